/** Users and their CareFlow IDs: the accounts every other kind of data belongs to. */

export type Role = "user" | "admin";

/** A CareFlow user. `email` keeps the case the user typed; uniqueness ignores case. */
export interface User {
  id: string;
  email: string;
  displayName: string;
  care4wId: string;
  sequenceNumber: number;
  role: Role;
  /** argon2id PHC string for local accounts, null for Firebase accounts. */
  passwordHash: string | null;
  firebaseUid: string | null;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

export interface NewUser {
  email: string;
  displayName: string;
  passwordHash: string | null;
  firebaseUid: string | null;
  role?: Role;
}

export interface UserPatch {
  displayName?: string;
  isActive?: boolean;
  lastLoginAt?: Date;
}

/** Raised when a unique field (email, firebaseUid) is already taken. */
export class StoreConflictError extends Error {
  constructor(readonly field: "email" | "firebaseUid") {
    super(`${field} is already taken`);
    this.name = "StoreConflictError";
  }
}

export interface UserStore {
  /** Creates a user and allocates the next CareFlow ID atomically and without gaps on conflict. */
  createUser(input: NewUser): Promise<User>;
  findUserById(id: string): Promise<User | null>;
  /** Case-insensitive. */
  findUserByEmail(email: string): Promise<User | null>;
  findUserByCare4wId(care4wId: string): Promise<User | null>;
  findUserByFirebaseUid(uid: string): Promise<User | null>;
  updateUser(id: string, patch: UserPatch): Promise<User | null>;
  /** Atomically increments the named counter and returns its new value (first value 1). */
  nextCounterValue(name: string): Promise<number>;
}

/** Users and their CareFlow IDs: the accounts every other kind of data belongs to. */
import { care4wIdFromSequence } from "../../shared/care4w-id.ts";

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
  /** Whether the user's calls are recorded (their own choice; off until they turn it on). */
  recordCalls: boolean;
  /** Days a recording stays before the sweeper removes it, unless archived. */
  retentionDays: number;
  /** Storage key of the user's own voicemail greeting; null plays the standard one. */
  voicemailGreetingKey: string | null;
  /**
   * The user's own phone (E.164), unique across users: calls in from it show their name, and it
   * is never shown to anyone else. Null until they register one.
   */
  personalPhone: string | null;
}

/** Retention a new user starts with. */
export const DEFAULT_RETENTION_DAYS = 30;

/** A user to create; the recording settings default as in `freshUser`. */
export interface NewUser {
  email: string;
  displayName: string;
  passwordHash: string | null;
  firebaseUid: string | null;
  role?: Role;
  recordCalls?: boolean;
  retentionDays?: number;
  voicemailGreetingKey?: string | null;
}

/** Fields `updateUser` may change; absent ones are left alone (null clears the greeting). */
export interface UserPatch {
  displayName?: string;
  role?: Role;
  isActive?: boolean;
  lastLoginAt?: Date;
  recordCalls?: boolean;
  retentionDays?: number;
  voicemailGreetingKey?: string | null;
  /** Null removes it; a number another user has conflicts (`StoreConflictError`). */
  personalPhone?: string | null;
}

/**
 * A new account as every store writes it: active, never signed in, numbered `sequence`, not
 * recording calls, keeping recordings `DEFAULT_RETENTION_DAYS`, with the standard greeting.
 */
export function freshUser(input: NewUser, id: string, sequence: number, at: Date): User {
  return {
    id,
    email: input.email,
    displayName: input.displayName,
    care4wId: care4wIdFromSequence(sequence),
    sequenceNumber: sequence,
    role: input.role ?? "user",
    passwordHash: input.passwordHash,
    firebaseUid: input.firebaseUid,
    isActive: true,
    createdAt: at,
    updatedAt: at,
    lastLoginAt: null,
    recordCalls: input.recordCalls ?? false,
    retentionDays: input.retentionDays ?? DEFAULT_RETENTION_DAYS,
    voicemailGreetingKey: input.voicemailGreetingKey ?? null,
    personalPhone: null,
  };
}

/** Raised when a unique field (email, firebaseUid, personalPhone) is already taken. */
export class StoreConflictError extends Error {
  constructor(readonly field: "email" | "firebaseUid" | "personalPhone") {
    super(`${field} is already taken`);
    this.name = "StoreConflictError";
  }
}

/** A user as colleagues see them in the directory and the dialer's lookup. */
export type DirectoryEntry = Pick<User, "id" | "care4wId" | "displayName" | "isActive">;

export interface UserStore {
  /** Creates a user and allocates the next CareFlow ID atomically and without gaps on conflict. */
  createUser(input: NewUser): Promise<User>;
  findUserById(id: string): Promise<User | null>;
  /** Case-insensitive. */
  findUserByEmail(email: string): Promise<User | null>;
  findUserByCare4wId(care4wId: string): Promise<User | null>;
  /**
   * What the directory shows of the user with this CareFlow ID (deactivated ones included, with
   * `isActive` false): the few fields a lookup answers with, read without the rest of the row.
   */
  findDirectoryEntry(care4wId: string): Promise<DirectoryEntry | null>;
  findUserByFirebaseUid(uid: string): Promise<User | null>;
  /** The user who registered `e164` as their personal phone. */
  findUserByPersonalPhone(e164: string): Promise<User | null>;
  updateUser(id: string, patch: UserPatch): Promise<User | null>;
  /** Atomically increments the named counter and returns its new value (first value 1). */
  nextCounterValue(name: string): Promise<number>;
}

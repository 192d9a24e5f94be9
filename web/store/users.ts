/**
 * The store interface: everything the web app keeps. Two implementations (SQLite, the embedded
 * default, and MongoDB) pass one contract suite (`contract.ts`).
 */

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

/** A server-side session. `id` is what the store keys on (the web layer stores a hash of the cookie). */
export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export type CallMode = "webrtc" | "sip" | "twilio";
export type CallStatus =
  | "completed"
  | "missed"
  | "declined"
  | "cancelled"
  | "unavailable"
  | "failed";
export type CallDirection = "inbound" | "outbound";

/** One finished call, written once by the server from what it relayed. */
export interface CallRecord {
  id: string;
  mode: CallMode;
  status: CallStatus;
  callerUserId: string;
  callerCare4wId: string;
  callerName: string;
  calleeUserId: string;
  calleeCare4wId: string;
  calleeName: string;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  /** Whole seconds between answer and end; 0 when never answered. */
  durationSeconds: number;
}

export interface CallQuery {
  /** 1-based page. */
  page: number;
  limit: number;
  direction?: CallDirection;
  status?: CallStatus;
  /** Inclusive lower bound on `startedAt`. */
  from?: Date;
  /** Exclusive upper bound on `startedAt`. */
  to?: Date;
  /** Case-insensitive substring of the other party's name or CareFlow ID. */
  q?: string;
}

export interface CallPage {
  calls: CallRecord[];
  total: number;
}

/** A SIP phone password: kept encrypted at rest, with the HA1 the agent needs. */
export interface SipCredential {
  userId: string;
  /** AES-GCM ciphertext of the password, as produced by the web layer. */
  encryptedPassword: string;
  ha1: string;
  rotatedAt: Date;
}

/**
 * A subscriber whose state the agent has not confirmed yet (the durable side of the push queue).
 * `version` grows on every change, so a delivery of an older state never clears a newer one.
 */
export interface AgentOutboxEntry {
  care4wId: string;
  version: number;
  queuedAt: Date;
}

/** Raised when a unique field (email, firebaseUid) is already taken. */
export class StoreConflictError extends Error {
  constructor(readonly field: "email" | "firebaseUid") {
    super(`${field} is already taken`);
    this.name = "StoreConflictError";
  }
}

export interface Store {
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

  createSession(session: Session): Promise<void>;
  getSession(id: string): Promise<Session | null>;
  /** Slides the expiry; no-op for an unknown id. */
  touchSession(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void>;
  deleteSession(id: string): Promise<void>;
  deleteUserSessions(userId: string): Promise<void>;

  /** Records one failed login for `key` (the normalised email). */
  recordLoginFailure(key: string, at: Date): Promise<void>;
  /** Failure times for `key` at or after `since`, oldest first. */
  listLoginFailures(key: string, since: Date): Promise<Date[]>;
  clearLoginFailures(key: string): Promise<void>;

  /** Inserts a finished call; returns false (and changes nothing) when the id already exists. */
  insertCall(call: CallRecord): Promise<boolean>;
  /** Calls the user took part in, newest first. Direction is as seen by `userId`. */
  listCallsForUser(userId: string, query: CallQuery): Promise<CallPage>;
  /** The call, only when `userId` took part in it. */
  getCallForUser(callId: string, userId: string): Promise<CallRecord | null>;

  saveSipCredential(credential: SipCredential): Promise<void>;
  getSipCredential(userId: string): Promise<SipCredential | null>;

  /**
   * Notes that the agent must learn the current state of `care4wId`; returns the entry's new
   * version (1 for a fresh entry, one more for each later change). `queuedAt` keeps the first.
   */
  queueAgentSync(care4wId: string, at: Date): Promise<number>;
  /** Pending entries, oldest first. */
  listAgentSync(limit: number): Promise<AgentOutboxEntry[]>;
  /** Removes the entry only if it still has `version`; true when it was removed. */
  clearAgentSync(care4wId: string, version: number): Promise<boolean>;

  close(): Promise<void>;
}

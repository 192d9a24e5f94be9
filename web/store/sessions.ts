/** Server-side sessions and the failed logins that throttle guessing. */

/** A server-side session. `id` is what the store keys on (the web layer stores a hash of the cookie). */
export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface SessionStore {
  createSession(session: Session): Promise<void>;
  getSession(id: string): Promise<Session | null>;
  /** Slides the expiry; no-op for an unknown id. */
  touchSession(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void>;
  deleteSession(id: string): Promise<void>;
  deleteUserSessions(userId: string): Promise<void>;
}

export interface LoginFailureStore {
  /** Records one failed login for `key` (the normalised email). */
  recordLoginFailure(key: string, at: Date): Promise<void>;
  /** Failure times for `key` at or after `since`, oldest first. */
  listLoginFailures(key: string, since: Date): Promise<Date[]>;
  clearLoginFailures(key: string): Promise<void>;
}

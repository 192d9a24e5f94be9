/**
 * Password resets and the account writes around them. There is no mail server, so an admin
 * issues a one-time link for a local account and passes it on; only the SHA-256 of its token is
 * kept, so a copy of the database holds no working link. The password hash itself is written
 * only here (`UserPatch` leaves it out on purpose, so no profile change can touch it), and so is
 * "end every session but this one".
 */
import type { User } from "./users.ts";

/** One reset link, pending or used. */
export interface PasswordReset {
  id: string;
  /** SHA-256 (hex) of the link's token; the token itself is never stored. */
  tokenHash: string;
  /** The account whose password the link sets. */
  userId: string;
  /** The admin's CareFlow ID. */
  issuedBy: string;
  createdAt: Date;
  expiresAt: Date;
  /** When it was used; null while pending. */
  usedAt: Date | null;
}

/** A new reset link: pending by definition. */
export type NewPasswordReset = Omit<PasswordReset, "usedAt">;

export interface PasswordResetStore {
  /**
   * Saves a pending reset and removes every other unused one of the same user, so the newest
   * link is the only one that works.
   */
  createPasswordReset(reset: NewPasswordReset): Promise<void>;
  /** The reset with this token hash, used or not; null when none. */
  findPasswordResetByTokenHash(tokenHash: string): Promise<PasswordReset | null>;
  /**
   * Takes the reset in one atomic step: only when it is unused and unexpired at `at` does it
   * become used (at `at`) and come back; otherwise null. Of any number of concurrent calls with
   * one token, at most one gets it.
   */
  consumePasswordReset(tokenHash: string, at: Date): Promise<PasswordReset | null>;
  /** Removes the user's unused resets (their password changed some other way). */
  deleteUserPasswordResets(userId: string): Promise<void>;
}

/** What changing a password writes beyond the reset links. */
export interface AccountSecurityStore {
  /**
   * Sets a local account's password hash; false when the user is unknown or has no password
   * (a Firebase account, which must never gain one this way).
   */
  setPasswordHash(userId: string, passwordHash: string): Promise<boolean>;
  /** Ends every session of the user except `keepSessionId`; how many ended. */
  deleteOtherSessions(userId: string, keepSessionId: string): Promise<number>;
}

/** How a demotion went: done, refused to keep an admin, or nothing to do (not an admin). */
export type DemotionResult = "demoted" | "last-admin" | "unchanged";

/** The admins' list of people, and what the admin section reads and changes of them. */
export interface UserListStore {
  /**
   * Users in CareFlow ID order (their sequence number), active or not: at most `limit` of those
   * numbered after `afterSequence` (0 for the first page).
   */
  listUsers(afterSequence: number, limit: number): Promise<User[]>;
  /**
   * Like `listUsers`, only those whose display name, email or CareFlow ID contains `text`,
   * ignoring case; `%`, `_` and `\` in `text` are plain characters, never patterns.
   */
  searchUsers(text: string, afterSequence: number, limit: number): Promise<User[]>;
  /** Of `userIds`, those who have a SIP phone password (the ids only: never the secret). */
  withPhonePassword(userIds: readonly string[]): Promise<string[]>;
  /**
   * Makes the admin `userId` a user at `at`, unless no other active admin would remain then
   * ("last-admin", nothing changed): the organisation never loses its last admin this way.
   * "unchanged" when `userId` is not an admin (or unknown).
   */
  demoteAdmin(userId: string, at: Date): Promise<DemotionResult>;
}

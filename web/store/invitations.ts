/**
 * Invitations to sign up (`SIGNUP=invite`): an admin or the operator invites an email, and the
 * link's token lets one account with that email be created, once, before it expires. Only a hash
 * of the token is kept, so a copy of the database holds no working link.
 */

/** One invitation, pending or used. */
export interface Invitation {
  id: string;
  /** SHA-256 (hex) of the link's token; the token itself is never stored. */
  tokenHash: string;
  /** Lower-cased: the account it allows has this email, whatever its case. */
  email: string;
  /** Who invited: the admin's CareFlow ID, or `operator` for `deno task admin invite`. */
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
  /** When a sign-up took it; null while pending. */
  usedAt: Date | null;
  /** The account it made; null while pending (or when that account could not be made). */
  usedBy: string | null;
}

/** A new invitation: pending by definition. */
export type NewInvitation = Omit<Invitation, "usedAt" | "usedBy">;

export interface InvitationStore {
  /**
   * Saves a pending invitation and removes every other unused one for the same email, so a
   * re-invitation's link is the only one that works.
   */
  createInvitation(invitation: NewInvitation): Promise<void>;
  /** Unused invitations that have not expired at `at`, newest first. */
  listPendingInvitations(at: Date): Promise<Invitation[]>;
  /** The invitation with this token hash, used or not; null when none. */
  findInvitationByTokenHash(tokenHash: string): Promise<Invitation | null>;
  /**
   * Takes the invitation in one atomic step: only when it is unused and unexpired at `at` does it
   * become used (at `at`) and come back; otherwise null. Of any number of concurrent calls with
   * one token, at most one gets it.
   */
  consumeInvitation(tokenHash: string, at: Date): Promise<Invitation | null>;
  /** Records the account a consumed invitation made. */
  recordInvitationUser(id: string, userId: string): Promise<void>;
  /**
   * Makes a consumed invitation that made no account pending again (the account could not be
   * created); a no-op when it made one, or when a newer invitation for the email took its place.
   */
  releaseInvitation(id: string): Promise<void>;
  /** Revokes an unused invitation; false when there is no unused one with this id. */
  deleteInvitation(id: string): Promise<boolean>;
}

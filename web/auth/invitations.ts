/**
 * Invitation-only sign-up (`SIGNUP=invite`, the default). Sign-up that answered "this email is
 * taken" told anyone which addresses have accounts, and there is no mail to tell the owner
 * instead; so an account is made only through an admin's (or the operator's) link. Whoever
 * invites is told when the email already has an account: admins may know that, strangers not.
 *
 * A link carries 32 random bytes (base64url); only their SHA-256 is stored. Each link makes one
 * account, with the invited email, before it expires; taking it is one atomic store step.
 */
import { createHash } from "node:crypto";
import { encodeBase64Url } from "../http/base64.ts";
import type { Invitation, InvitationStore, NewUser, User, UserStore } from "../store/mod.ts";
import { StoreConflictError } from "../store/mod.ts";
import type { SignUp } from "./signup.ts";

/** What `invitedBy` says for invitations made with `deno task admin invite`. */
export const OPERATOR = "operator";

/** The one answer to every sign-up an invitation does not allow, whatever the reason. */
export const INVALID_INVITATION =
  "This invitation link is not valid. Ask your administrator for a new one.";

/** The outcome of inviting an email. */
export type InviteResult =
  | { kind: "invited"; token: string; invitation: Invitation }
  | { kind: "has-account" };

export interface Invitations {
  /**
   * Invites `email` (any case) on behalf of `invitedBy`, replacing a pending invitation of it;
   * `has-account` when the email already has an account. The token is returned once, here.
   */
  invite(email: string, invitedBy: string): Promise<InviteResult>;
  /** Unused, unexpired invitations, newest first. */
  pending(): Promise<Invitation[]>;
  /** Revokes an unused invitation; false when there is none with this id. */
  revoke(id: string): Promise<boolean>;
  /**
   * Whether `token` is a pending invitation for `email` (case ignored): asked before a password
   * is hashed, so a wrong link costs nothing. It promises nothing: `redeem` decides.
   */
  admits(token: string | undefined, email: string): Promise<boolean>;
  /**
   * Creates the account the invitation allows, taking the invitation first in one atomic step;
   * null when it was taken, revoked or expired meanwhile, is for another email, or the email
   * has an account by now. Of concurrent redemptions of one token, at most one gets an account.
   */
  redeem(token: string, account: Omit<NewUser, "role">): Promise<User | null>;
}

/** SHA-256 (hex) of a link's token: what the store keys invitations on. */
export function invitationTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The sign-up address a token opens, on `base` (PUBLIC_URL or the request's origin). */
export function invitationLink(base: string, token: string): string {
  return `${new URL(base).origin}/signup?invite=${token}`;
}

/** Invitations over the store; links last `days`. */
export function createInvitations(deps: {
  store: InvitationStore & Pick<UserStore, "findUserByEmail">;
  signUp: SignUp;
  days: number;
  now: () => Date;
}): Invitations {
  const { store, now } = deps;
  const lifetimeMs = deps.days * 24 * 60 * 60_000;
  return {
    async invite(email, invitedBy) {
      const lower = email.trim().toLowerCase();
      if (await store.findUserByEmail(lower)) return { kind: "has-account" };
      const token = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
      const createdAt = now();
      const invitation: Invitation = {
        id: crypto.randomUUID(),
        tokenHash: invitationTokenHash(token),
        email: lower,
        invitedBy,
        createdAt,
        expiresAt: new Date(createdAt.getTime() + lifetimeMs),
        usedAt: null,
        usedBy: null,
      };
      await store.createInvitation(invitation);
      return { kind: "invited", token, invitation };
    },
    pending: () => store.listPendingInvitations(now()),
    revoke: (id) => store.deleteInvitation(id),
    async admits(token, email) {
      if (!token) return false;
      const found = await store.findInvitationByTokenHash(invitationTokenHash(token));
      return found !== null && found.usedAt === null &&
        found.expiresAt.getTime() > now().getTime() && found.email === email.toLowerCase();
    },
    async redeem(token, account) {
      const taken = await store.consumeInvitation(invitationTokenHash(token), now());
      if (!taken) return null;
      if (taken.email !== account.email.toLowerCase()) {
        await store.releaseInvitation(taken.id);
        return null;
      }
      let user: User;
      try {
        user = await deps.signUp(account);
      } catch (error) {
        // The email got an account some other way (Firebase, an open sign-up): this link is
        // spent. Any other failure hands the invitation back, so the link works on a retry.
        if (error instanceof StoreConflictError) return null;
        await store.releaseInvitation(taken.id);
        throw error;
      }
      await store.recordInvitationUser(taken.id, user.id);
      return user;
    },
  };
}

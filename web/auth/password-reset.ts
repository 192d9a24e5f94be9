/**
 * One-time password-reset links for local accounts. There is no mail server, so an admin issues
 * the link and passes it on; Firebase accounts reset with Firebase. A link carries 32 random
 * bytes (base64url) and only their SHA-256 is stored; it lasts `minutes`, works once (taking it
 * is one atomic store step), and a newer link for the same account replaces it. Using it sets the
 * new password, ends every session of the account (the person then signs in with the new
 * password, which also gives their browser its known-device cookie), and forgets the account's
 * failed sign-ins: whatever was guessed is about a password that no longer exists.
 */
import { createHash } from "node:crypto";
import { encodeBase64Url } from "../http/base64.ts";
import type {
  AccountSecurityStore,
  PasswordReset,
  PasswordResetStore,
  SessionStore,
  User,
  UserStore,
} from "../store/mod.ts";
import { type HashQueue, HashQueueFull } from "./hash-queue.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import type { PasswordHasher } from "./passwords.ts";

/** The one answer to every reset a link does not allow, whatever the reason. */
export const INVALID_RESET = "This reset link is not valid. Ask your administrator for a new one.";

export type IssueOutcome =
  | { kind: "issued"; token: string; reset: PasswordReset }
  /** A Firebase account: Firebase resets its password. */
  | { kind: "not-local" }
  | { kind: "inactive" };

export type RedeemOutcome = { kind: "reset"; user: User } | { kind: "invalid" } | { kind: "busy" };

export interface PasswordResets {
  /** A new link for `user`, replacing any pending one; the token is returned once, here. */
  issue(user: User, issuedBy: string): Promise<IssueOutcome>;
  /**
   * Whether `token` would reset a password now (pending, unexpired, its account active and
   * local): what the page asks before showing its form. It promises nothing: `redeem` decides.
   */
  admits(token: string): Promise<boolean>;
  /**
   * Sets `newPassword` with the link's token: `invalid` for an unknown, used or expired token,
   * or one whose account is deactivated or not local; every such link is worthless afterwards.
   */
  redeem(token: string, newPassword: string): Promise<RedeemOutcome>;
  /** Drops the user's pending link (on deactivation: reactivating must not revive it). */
  cancel(userId: string): Promise<void>;
}

/** SHA-256 (hex) of a link's token: what the store keys resets on. */
export function resetTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The page a token opens, on `base` (PUBLIC_URL or the request's origin). */
export function passwordResetLink(base: string, token: string): string {
  return `${new URL(base).origin}/reset-password?token=${token}`;
}

/** Whether a user may have a password reset by link: active, with a local password. */
const resettable = (user: User | null): user is User =>
  user !== null && user.isActive && user.passwordHash !== null;

/** Password resets over the store; links last `minutes`. */
export function createPasswordResets(deps: {
  store:
    & PasswordResetStore
    & Pick<AccountSecurityStore, "setPasswordHash">
    & Pick<UserStore, "findUserById">
    & Pick<SessionStore, "deleteUserSessions">;
  passwords: PasswordHasher;
  hashQueue: HashQueue;
  throttle: Pick<LoginThrottle, "succeeded">;
  minutes: number;
  now: () => Date;
}): PasswordResets {
  const { store, now } = deps;
  const admits = async (token: string) => {
    const found = await store.findPasswordResetByTokenHash(resetTokenHash(token));
    if (!found || found.usedAt !== null || found.expiresAt <= now()) return false;
    return resettable(await store.findUserById(found.userId));
  };
  return {
    async issue(user, issuedBy) {
      if (user.passwordHash === null) return { kind: "not-local" };
      if (!user.isActive) return { kind: "inactive" };
      const token = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
      const createdAt = now();
      const reset = {
        id: crypto.randomUUID(),
        tokenHash: resetTokenHash(token),
        userId: user.id,
        issuedBy,
        createdAt,
        expiresAt: new Date(createdAt.getTime() + deps.minutes * 60_000),
      };
      await store.createPasswordReset(reset);
      return { kind: "issued", token, reset: { ...reset, usedAt: null } };
    },
    admits,
    async redeem(token, newPassword) {
      // The cheap checks before the costly hash, so a bad link costs nothing; the atomic
      // consumption below decides.
      if (!await admits(token)) return { kind: "invalid" };
      let passwordHash: string;
      try {
        passwordHash = await deps.hashQueue.run("account", () => deps.passwords.hash(newPassword));
      } catch (error) {
        if (error instanceof HashQueueFull) return { kind: "busy" };
        throw error;
      }
      const taken = await store.consumePasswordReset(resetTokenHash(token), now());
      if (!taken) return { kind: "invalid" };
      // Looked up again after the link is taken: a deactivation meanwhile still wins.
      const user = await store.findUserById(taken.userId);
      if (!resettable(user) || !await store.setPasswordHash(user.id, passwordHash)) {
        return { kind: "invalid" };
      }
      await store.deleteUserSessions(user.id);
      await deps.throttle.succeeded(user.email);
      return { kind: "reset", user };
    },
    cancel: (userId) => store.deleteUserPasswordResets(userId),
  };
}

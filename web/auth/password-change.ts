/**
 * A signed-in person changing their own password, without HTTP. The current password is checked
 * by the sign-in itself (`passwordLogin`): the same throttle (per account, or per known device),
 * the same hash queue and priority, so a wrong one counts exactly like a failed sign-in and a
 * stolen session cookie is no way around the sign-in limits. On success the new hash is stored,
 * every other session of the user ends (their signaling sockets close on the next recheck), and
 * a pending reset link is dropped. SIP phone passwords are separate credentials and stay.
 */
import type { AccountSecurityStore, PasswordResetStore, User } from "../store/mod.ts";
import { HashQueueFull } from "./hash-queue.ts";
import { type LoginOutcome, passwordLogin, type PasswordLoginDeps } from "./password-login.ts";

/** One change, as the route read it. */
export interface PasswordChangeRequest {
  user: User;
  /** The session asking: it stays signed in. */
  sessionKey: string;
  currentPassword: string;
  newPassword: string;
  /** The `cf_device` cookie the request came with (a known device is throttled on its own). */
  deviceCookie: string | undefined;
}

export type PasswordChangeOutcome =
  | { kind: "changed"; endedSessions: number }
  /** A Firebase account: its password is Firebase's. */
  | { kind: "not-local" }
  | Exclude<LoginOutcome, { kind: "signed-in" }>;

export type PasswordChange = (request: PasswordChangeRequest) => Promise<PasswordChangeOutcome>;

/** The password change over the sign-in's own parts and the store. */
export function createPasswordChange(
  deps: PasswordLoginDeps & {
    store: AccountSecurityStore & Pick<PasswordResetStore, "deleteUserPasswordResets">;
  },
): PasswordChange {
  const login = passwordLogin(deps);
  return async (request) => {
    const { user } = request;
    if (user.passwordHash === null) return { kind: "not-local" };
    const checked = await login({
      email: user.email,
      password: request.currentPassword,
      deviceCookie: request.deviceCookie,
    });
    if (checked.kind !== "signed-in") return checked;
    // Emails are unique, so this is the same account; checked anyway, as it decides a password.
    if (checked.user.id !== user.id) return { kind: "wrong" };
    let passwordHash: string;
    try {
      passwordHash = await deps.hashQueue.run(
        "account",
        () => deps.passwords.hash(request.newPassword),
      );
    } catch (error) {
      if (error instanceof HashQueueFull) return { kind: "busy" };
      throw error;
    }
    if (!await deps.store.setPasswordHash(user.id, passwordHash)) return { kind: "not-local" };
    await deps.store.deleteUserPasswordResets(user.id);
    const endedSessions = await deps.store.deleteOtherSessions(user.id, request.sessionKey);
    return { kind: "changed", endedSessions };
  };
}

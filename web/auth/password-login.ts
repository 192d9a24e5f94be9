/**
 * Signing in with email and password, without HTTP: which throttle the attempt counts against,
 * at which priority its password check waits, and what a success hands back. The route only
 * turns the outcome into a response.
 */
import type { User, UserStore } from "../store/mod.ts";
import { type HashPriority, type HashQueue, HashQueueFull } from "./hash-queue.ts";
import type { KnownDevices } from "./known-devices.ts";
import { deviceKey, type LoginThrottle } from "./login-throttle.ts";
import type { PasswordHasher } from "./passwords.ts";

export interface PasswordLoginDeps {
  users: Pick<UserStore, "findUserByEmail">;
  passwords: PasswordHasher;
  hashQueue: HashQueue;
  throttle: LoginThrottle;
  devices: KnownDevices;
}

/** One sign-in attempt, as the route read it. */
export interface LoginAttempt {
  email: string;
  password: string;
  /** The `cf_device` cookie it came with. */
  deviceCookie: string | undefined;
}

export type LoginOutcome =
  | { kind: "signed-in"; user: User; deviceCookie: string }
  | { kind: "wrong" }
  | { kind: "throttled"; retryAfterSeconds: number }
  | { kind: "busy" };

/**
 * The sign-in: the known-device check and the account lookup (cheap) come first, then the
 * queue's room and the throttle's reservation, and only then the costly password check.
 * A sign-in from a known device is throttled per device, not per account, so guesses from
 * elsewhere never lock the owner out there; and its check waits ahead of everyone else's.
 */
export function passwordLogin(deps: PasswordLoginDeps): (a: LoginAttempt) => Promise<LoginOutcome> {
  return async (attempt) => {
    const { email, password } = attempt;
    const device = await deps.devices.recognise(attempt.deviceCookie, email);
    const found = await deps.users.findUserByEmail(email);
    const user = found?.isActive && found.passwordHash ? found : null;
    // Known accounts wait ahead of unknown emails: each account's throttle bounds how many of
    // its guesses reach the queue, while made-up emails are without number. Under such a flood
    // an unknown email is refused sooner than a known one; sign-up's 409 tells as much already.
    const priority: HashPriority = device ? "device" : user ? "account" : "unknown";
    // Refused before the reservation, so a busy server costs nobody one of their free failures.
    if (!deps.hashQueue.admits(priority)) return { kind: "busy" };
    const key = device ? deviceKey(device) : email;
    // Reserved before the (slow) password check: concurrent guesses cannot all pass the limit.
    const wait = await deps.throttle.reserve(key);
    if (wait > 0) return { kind: "throttled", retryAfterSeconds: wait };
    let ok: boolean;
    try {
      ok = await deps.hashQueue.run(
        priority,
        () =>
          user
            ? deps.passwords.verify(user.passwordHash!, password)
            : deps.passwords.verifyNothing(password).then(() => false),
      );
    } catch (error) {
      // Displaced by a more urgent check: the reservation stays counted (rare: `admits` said
      // there was room a moment ago).
      if (error instanceof HashQueueFull) return { kind: "busy" };
      throw error;
    }
    if (!ok || !user) {
      await deps.throttle.failed(key);
      return { kind: "wrong" };
    }
    // From a known device only that device's failures are forgotten: the account's stay, so an
    // attacker's backoff does not start over whenever the owner signs in.
    await deps.throttle.succeeded(key);
    const deviceCookie = await deps.devices.issue(attempt.deviceCookie, email, device);
    return { kind: "signed-in", user, deviceCookie };
  };
}

import type { LoginFailureStore } from "../store/mod.ts";

export interface LoginThrottle {
  /**
   * Reserves one attempt for the key (an email, or a known device: `deviceKey`): 0 when it may
   * try now (the attempt counts as a failure until `succeeded` clears it), else the seconds until
   * it may try again.
   */
  reserve(key: string): Promise<number>;
  /** The reserved attempt failed (it is already counted; this only reports it). */
  failed(key: string): Promise<void>;
  succeeded(key: string): Promise<void>;
}

/** How failures slow further attempts down. */
export interface ThrottleLimits {
  /** Failures inside the window that cost nothing more (typos). */
  maxFailures: number;
  windowMinutes: number;
  /** The wait after the failure that reached `maxFailures`; it doubles with each one after. */
  backoffSeconds: number;
  /** The longest wait (a wait longer than the window ends with the window). */
  maxBackoffSeconds: number;
}

/** The throttle key of sign-ins from a known device (see known-devices.ts). */
export const deviceKey = (deviceId: string) => `device:${deviceId}`;

/**
 * Per-account brute-force limit as a backoff, not a lockout: the first `maxFailures` failures
 * inside the window are free, after that each attempt must wait `backoffSeconds` after the last
 * failure, doubling with every further failure up to `maxBackoffSeconds`. The owner who waits
 * gets in (a lockout let anyone lock any colleague out with 10 wrong passwords), and an attacker
 * gets the free failures and then one guess per wait.
 *
 * Each attempt is counted before its password is checked, and the count and the reservation
 * happen under one lock per key, so concurrent guesses wait their turn instead of all being read
 * as "under the limit" (the probe's 30 guesses at once): at most `maxFailures` are checked at
 * once, however many arrive. The lock is this instance's; with several web instances the bound
 * is per instance. Keyed by the lower-cased email, so unknown emails are throttled the same way
 * as known ones.
 */
export function createLoginThrottle(
  store: LoginFailureStore,
  limits: ThrottleLimits,
  now: () => Date = () => new Date(),
): LoginThrottle {
  const windowMs = limits.windowMinutes * 60_000;
  const key = (email: string) => email.trim().toLowerCase();
  const locks = new Map<string, Promise<unknown>>();
  /** Runs `work` after every earlier one for the same key. */
  const serialized = <T>(account: string, work: () => Promise<T>): Promise<T> => {
    const run = (locks.get(account) ?? Promise.resolve()).then(work, work);
    const settled = run.catch(() => {});
    locks.set(account, settled);
    void settled.then(() => {
      if (locks.get(account) === settled) locks.delete(account);
    });
    return run;
  };
  /** How long after the newest of `count` failures the next attempt must wait, in ms. */
  const waitAfter = (count: number) => {
    if (count < limits.maxFailures) return 0;
    const doublings = Math.min(count - limits.maxFailures, 30);
    return Math.min(limits.backoffSeconds * 2 ** doublings, limits.maxBackoffSeconds) * 1000;
  };
  return {
    reserve: (email) =>
      serialized(key(email), async () => {
        const at = now();
        // A failure exactly `window` old has aged out: the store's bound is inclusive, hence + 1 ms.
        const since = new Date(at.getTime() - windowMs + 1);
        const failures = await store.listLoginFailures(key(email), since); // oldest first
        const newest = failures.at(-1);
        if (newest) {
          // A wait beyond the window ends with it: by then the newest failure has aged out too.
          const allowedAt = newest.getTime() + Math.min(waitAfter(failures.length), windowMs);
          if (allowedAt > at.getTime()) {
            return Math.max(1, Math.ceil((allowedAt - at.getTime()) / 1000));
          }
        }
        await store.recordLoginFailure(key(email), at);
        return 0;
      }),
    failed: () => Promise.resolve(),
    succeeded: (email) => serialized(key(email), () => store.clearLoginFailures(key(email))),
  };
}

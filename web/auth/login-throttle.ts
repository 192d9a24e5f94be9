import type { LoginFailureStore } from "../store/mod.ts";

export interface LoginThrottle {
  /**
   * Reserves one attempt for the account: 0 when it may try now (the attempt counts as a failure
   * until `succeeded` clears it), else the seconds until it may try again.
   */
  reserve(email: string): Promise<number>;
  /** The reserved attempt failed (it is already counted; this only reports it). */
  failed(email: string): Promise<void>;
  succeeded(email: string): Promise<void>;
}

/**
 * Per-account brute-force limit: at most `maxFailures` wrong guesses inside the window are ever
 * checked, however many arrive at once. Each attempt is counted before its password is checked,
 * and the count and the reservation happen under one lock per account, so concurrent guesses
 * wait their turn instead of all being read as "under the limit" (the probe's 30 guesses at
 * once). The lock is this instance's; with several web instances the bound is per instance.
 * Keyed by the lower-cased email, so unknown emails are throttled the same way as known ones.
 */
export function createLoginThrottle(
  store: LoginFailureStore,
  limits: { maxFailures: number; windowMinutes: number },
  now: () => Date = () => new Date(),
): LoginThrottle {
  const windowMs = limits.windowMinutes * 60_000;
  const key = (email: string) => email.trim().toLowerCase();
  const locks = new Map<string, Promise<unknown>>();
  /** Runs `work` after every earlier one for the same account. */
  const serialized = <T>(account: string, work: () => Promise<T>): Promise<T> => {
    const run = (locks.get(account) ?? Promise.resolve()).then(work, work);
    const settled = run.catch(() => {});
    locks.set(account, settled);
    void settled.then(() => {
      if (locks.get(account) === settled) locks.delete(account);
    });
    return run;
  };
  return {
    reserve: (email) =>
      serialized(key(email), async () => {
        const at = now();
        // A failure exactly `window` old has aged out: the store's bound is inclusive, hence + 1 ms.
        const since = new Date(at.getTime() - windowMs + 1);
        const failures = await store.listLoginFailures(key(email), since);
        if (failures.length >= limits.maxFailures) {
          const unlockAt = failures[failures.length - limits.maxFailures].getTime() + windowMs;
          return Math.max(1, Math.ceil((unlockAt - at.getTime()) / 1000));
        }
        await store.recordLoginFailure(key(email), at);
        return 0;
      }),
    failed: () => Promise.resolve(),
    succeeded: (email) => serialized(key(email), () => store.clearLoginFailures(key(email))),
  };
}

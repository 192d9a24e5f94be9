import type { LoginFailureStore } from "../store/mod.ts";

export interface LoginThrottle {
  /** Seconds until the account may try again, or 0 when it may try now. */
  retryAfter(email: string): Promise<number>;
  failed(email: string): Promise<void>;
  succeeded(email: string): Promise<void>;
}

/**
 * Per-account brute-force limit: after `maxFailures` failed logins inside the window, further
 * attempts are refused until the oldest failure in the window ages out. Keyed by the lower-cased
 * email, so unknown emails are throttled the same way as known ones.
 */
export function createLoginThrottle(
  store: LoginFailureStore,
  limits: { maxFailures: number; windowMinutes: number },
  now: () => Date = () => new Date(),
): LoginThrottle {
  const windowMs = limits.windowMinutes * 60_000;
  const key = (email: string) => email.trim().toLowerCase();
  return {
    async retryAfter(email) {
      const at = now().getTime();
      // A failure exactly `window` old has aged out: the store's bound is inclusive, hence + 1 ms.
      const failures = await store.listLoginFailures(key(email), new Date(at - windowMs + 1));
      if (failures.length < limits.maxFailures) return 0;
      const unlockAt = failures[failures.length - limits.maxFailures].getTime() + windowMs;
      return Math.max(1, Math.ceil((unlockAt - at) / 1000));
    },
    failed: (email) => store.recordLoginFailure(key(email), now()),
    succeeded: (email) => store.clearLoginFailures(key(email)),
  };
}

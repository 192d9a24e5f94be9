import { admitAttempt } from "./rules.ts";

/** Per-user sliding-window attempt counter (one per call service instance). */
export interface AttemptLimiter {
  /** Counts an attempt by `userId` at `nowMs`; false when over the limit (not counted then). */
  admit(userId: string, nowMs: number): boolean;
}

/** Creates a limiter allowing `limit` attempts per `windowMs` per user. */
export function createAttemptLimiter(limit: number, windowMs: number): AttemptLimiter {
  const attempts = new Map<string, number[]>();
  return {
    admit(userId, nowMs) {
      const result = admitAttempt(attempts.get(userId) ?? [], nowMs, limit, windowMs);
      attempts.set(userId, result.history);
      // Now and then drop users with no attempt in the window, so the map holds recent callers.
      if (attempts.size > 10_000) {
        for (const [id, times] of attempts) {
          if (times.every((t) => t <= nowMs - windowMs)) attempts.delete(id);
        }
      }
      return result.allowed;
    },
  };
}

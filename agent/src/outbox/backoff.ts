/**
 * Retry delays: exponential backoff with full jitter (a uniformly random delay between 0 and the
 * capped exponential), so many agents that lost web at the same moment do not come back in step.
 */

/** Bounds of the delays. */
export interface BackoffPolicy {
  /** The ceiling of the first retry's delay. */
  baseMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
}

/** Delays that suit a web restart (seconds) without hammering a web that is down for long. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 100, maxMs: 10_000 };

/**
 * The delay before retry number `attempt` (1 = the first retry): random in
 * `[0, min(maxMs, baseMs * 2^(attempt-1)))`. `random` is injectable for tests.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  // Capping the exponent first keeps 2 ** n finite however long web stays away.
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

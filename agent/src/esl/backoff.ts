/**
 * Reconnection delays: exponential, capped, and jittered so that agents (or one agent's several
 * consumers) that lost FreeSWITCH at the same moment do not all knock at the same instant.
 */

/** Backoff settings (milliseconds). */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  initialMs?: number;
  /** Longest delay, before jitter. */
  maxMs?: number;
  /** Random source in [0, 1) (tests pin it). */
  random?: () => number;
}

/** The delay before retry number `attempt` (1 = first retry): between half and all of the cap. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const random = options.random ?? Math.random;
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(max, initial * 2 ** exponent);
  // "Equal jitter": never less than half the ceiling, so a flapping server is not hammered.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

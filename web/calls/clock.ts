/**
 * Time for the call service, injected so that ring and grace timeouts are deterministic in tests
 * (`testing/fake-clock.ts`) and real in production (`systemClock`).
 */

/** A scheduled callback that can be cancelled; cancelling twice or after it ran is harmless. */
export interface Timer {
  cancel(): void;
}

/** Current time and one-shot timers. */
export interface Clock {
  now(): Date;
  setTimer(ms: number, run: () => void): Timer;
}

/** The wall clock and the runtime's timers. */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(ms, run) {
    const handle = setTimeout(run, ms);
    return { cancel: () => clearTimeout(handle) };
  },
};

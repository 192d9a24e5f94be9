/** Waiting for something that happens in real time (another process, a browser, a socket). */

/** How long waits last by default: generous, for a loaded 2-core machine. */
export const DEFAULT_WAIT_MS = 20_000;

/**
 * Polls `check` until it passes: returns `true`, or returns nothing without throwing (so an
 * assertion can be the check). `false` or a throw means "not yet". On timeout it throws, naming
 * `what` and carrying the last error.
 */
export async function eventually(
  what: string,
  check: () => boolean | void | Promise<boolean | void>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if ((await check()) !== false) return;
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) {
      const why = last instanceof Error ? `: ${last.message}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`, { cause: last });
    }
    await sleep(options.intervalMs ?? 100);
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

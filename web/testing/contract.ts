/**
 * Contract suites, written one way for every interface with more than one implementation (the
 * store's parts, the signaling hub, the browser call engines, later recording storage): a table
 * of behaviours, each run as its own step on a fresh subject, once per implementation.
 */

/** The behaviours every implementation must have, by name. */
export type Checks<S> = Record<string, (subject: S) => Promise<void>>;

/** A fresh subject for one check, and how to let go of it afterwards. */
export interface Opened<S> {
  subject: S;
  close(): Promise<void>;
}

/** One implementation to hold to the contract. */
export interface Implementation<S, F> {
  name: string;
  /** Shared by every check of this implementation (a server, a browser): made once. */
  setup?: () => Promise<F>;
  teardown?: (fixture: F) => Promise<void>;
  /** A fresh subject for one check. */
  open(fixture: F): Promise<Opened<S>>;
  /** Why this implementation cannot be run here; the suite is then reported as ignored. */
  skip?: string;
  /** Deno's op and resource sanitizers; off for drivers that finish closing after close(). */
  sanitize?: boolean;
}

/**
 * Defines a contract; the returned function registers one Deno test per implementation, with a
 * step per behaviour (a failing step fails the test and the next steps still run).
 */
export function defineContract<S>(
  interfaceName: string,
  checks: Checks<S>,
): <F = undefined>(implementation: Implementation<S, F>) => void {
  return (implementation) => {
    const sanitize = implementation.sanitize ?? true;
    if (implementation.skip) {
      console.log(
        `${implementation.name} ${interfaceName} contract skipped: ${implementation.skip}`,
      );
    }
    Deno.test({
      name: `${implementation.name} ${interfaceName} contract`,
      ignore: implementation.skip !== undefined,
      sanitizeOps: sanitize,
      sanitizeResources: sanitize,
      async fn(t) {
        const fixture = await implementation.setup?.();
        try {
          for (const [behaviour, check] of Object.entries(checks)) {
            await t.step(behaviour, async () => {
              const opened = await implementation.open(fixture!);
              try {
                await check(opened.subject);
              } finally {
                await opened.close();
              }
            });
          }
        } finally {
          if (fixture !== undefined) await implementation.teardown?.(fixture);
        }
      },
    });
  };
}

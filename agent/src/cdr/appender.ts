/**
 * Appends the tracker's cdr events to the outbox: retried a second apart and doubling, counted,
 * and remembered (bounded) once taken, so the CDR folder's reconciliation knows not to append
 * them again. Out of retries, the event is left to the CDR folder, which mod_json_cdr also wrote.
 */
import type { WarnLogger } from "../log.ts";
import type { EventSink } from "../outbox/sink.ts";
import { BoundedSet } from "./bounded-set.ts";
import type { CdrEvent } from "./cdr-event.ts";
import { type CdrMetrics, countBuilt } from "./metrics.ts";

/** What the appender needs. */
export interface CdrAppenderOptions {
  sink: Pick<EventSink, "append">;
  metrics: Pick<CdrMetrics, "built" | "appendFailures" | "callSeconds">;
  warn: WarnLogger;
  /** Retries of a failed append (default 5). */
  retries?: number;
  /** True once the tracker closed: a failed append is then not retried. */
  closed: () => boolean;
  /** How many appended ids are remembered, and for how long. */
  remember: { max: number; ttlMs: number; now: () => number };
}

/** Appends in the background. */
export interface CdrAppender {
  /** Starts appending `event` (with retries); never rejects. */
  submit(event: CdrEvent): void;
  /** True when this process already appended the event with this id. */
  appended(eventId: string): boolean;
  /** Resolves once every append in flight settled. */
  flush(): Promise<void>;
}

/** Creates an appender. */
export function createCdrAppender(options: CdrAppenderOptions): CdrAppender {
  const inFlight = new Set<Promise<void>>();
  const { max, ttlMs, now } = options.remember;
  const appendedIds = new BoundedSet(max, ttlMs, now);
  const retries = options.retries ?? 5;

  async function appendWithRetry(event: CdrEvent): Promise<void> {
    for (let attempt = 0;; attempt++) {
      try {
        await options.sink.append(event);
        appendedIds.add(event.id);
        countBuilt(options.metrics, "esl", event.call);
        return;
      } catch (error) {
        options.metrics.appendFailures.inc();
        if (attempt >= retries || options.closed()) {
          options.warn(
            `careflow-agent: warning: could not append ${event.id} (${(error as Error)?.name}); ` +
              "left to the CDR folder",
          );
          return;
        }
        await Bun.sleep(1000 * 2 ** attempt);
      }
    }
  }

  return {
    submit(event) {
      const work = appendWithRetry(event).finally(() => inFlight.delete(work));
      inFlight.add(work);
    },
    appended: (eventId) => appendedIds.has(eventId),
    async flush() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

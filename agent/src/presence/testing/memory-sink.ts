/**
 * An in-memory EventSink for the presence tests (the real outbox, Redis Streams, is tested by
 * its own suite): keeps what was appended, by id like web (a repeated id is kept once), and can
 * be made to fail to show that nothing is lost while the outbox is down.
 */
import type { AgentEvent } from "../../../../shared/events.ts";
import type { EventSink } from "../../outbox/sink.ts";

export interface MemorySink extends EventSink {
  /** Appended events in order, each id once. */
  events: AgentEvent[];
  /** Appends seen, repeats included. */
  appends: number;
  /** While true, append rejects. */
  failing: boolean;
  /** Resolves once an event matching `predicate` is in `events`. */
  waitFor(predicate: (event: AgentEvent) => boolean, timeoutMs?: number): Promise<AgentEvent>;
}

export function createMemorySink(): MemorySink {
  const waiters = new Set<() => void>();
  const sink: MemorySink = {
    events: [],
    appends: 0,
    failing: false,
    append(event) {
      sink.appends++;
      if (sink.failing) return Promise.reject(new Error("outbox down"));
      if (!sink.events.some((e) => e.id === event.id)) sink.events.push(event);
      for (const wake of waiters) wake();
      return Promise.resolve();
    },
    delivered: () => Promise.resolve(),
    waitFor(predicate, timeoutMs = 15_000) {
      const found = sink.events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no such event in ${JSON.stringify(sink.events)}`));
        }, timeoutMs);
        const check = () => {
          const match = sink.events.find(predicate);
          if (!match) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(match);
        };
        waiters.add(check);
      });
    },
  };
  return sink;
}

/**
 * An in-memory `EventSink` for recordings tests that delivers to a real web: each appended event
 * is POSTed signed to `/internal/events` (retried every 100 ms while web is unreachable), and
 * `delivered` resolves once web answered it ok. It stands in for the Redis Streams outbox (another
 * module, with its own tests): nothing survives this process, which is what a restart test wants
 * of the agent (only the spool carries a job across).
 */
import type { AgentEvent } from "../../../../shared/events.ts";
import { signRequest } from "../../../../shared/signing.ts";
import type { EventSink } from "../../outbox/sink.ts";

/** The sink, and what it saw. */
export interface WebSink extends EventSink {
  /** Every event appended, in order (duplicates included). */
  appended: AgentEvent[];
  /** Ids web confirmed. */
  confirmed: Set<string>;
  /** Stops delivering. */
  close(): void;
}

/** A sink delivering to `webUrl`, signed with `secret`. */
export function createWebSink(webUrl: string, secret: string): WebSink {
  const appended: AgentEvent[] = [];
  const confirmed = new Set<string>();
  const refused = new Map<string, string>();
  const waiters = new Map<string, (() => void)[]>();
  let closed = false;

  const settle = (id: string) => {
    for (const wake of waiters.get(id) ?? []) wake();
    waiters.delete(id);
  };

  async function deliver(event: AgentEvent): Promise<void> {
    while (!closed) {
      const body = JSON.stringify({ events: [event] });
      const path = "/internal/events";
      try {
        const response = await fetch(`${webUrl}${path}`, {
          method: "POST",
          headers: {
            ...signRequest({ secret, method: "POST", path, body }),
            "content-type": "application/json",
          },
          body,
        });
        if (response.ok) {
          const { results } = await response.json() as {
            results: { ok: boolean; error?: string }[];
          };
          if (results[0]?.ok) {
            confirmed.add(event.id);
            refused.delete(event.id);
          } else refused.set(event.id, results[0]?.error ?? "refused");
          settle(event.id);
          return;
        }
        await response.body?.cancel();
      } catch { /* web down: try again */ }
      await Bun.sleep(100);
    }
  }

  return {
    appended,
    confirmed,
    append(event) {
      appended.push(structuredClone(event));
      refused.delete(event.id); // a new attempt: what web says to it counts
      void deliver(event);
      return Promise.resolve();
    },
    delivered(eventId, timeoutMs = 30_000) {
      const check = () => {
        if (confirmed.has(eventId)) return true;
        const why = refused.get(eventId);
        // Named as the Redis outbox names it (`outbox/redis-sink.ts`).
        if (why) throw Object.assign(new Error(why), { name: "EventDeadLetteredError" });
        return false;
      };
      try {
        if (check()) return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${eventId} not confirmed`)), timeoutMs);
        const wake = () => {
          clearTimeout(timer);
          try {
            if (check()) resolve();
          } catch (error) {
            reject(error);
          }
        };
        waiters.set(eventId, [...(waiters.get(eventId) ?? []), wake]);
      });
    },
    close() {
      closed = true;
    },
  };
}

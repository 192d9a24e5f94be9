/**
 * The producers' side of the outbox: `append` validates and XADDs, `delivered` waits for web's
 * confirmation. Confirmations come from the deliverer in this process (told at once) or from any
 * other deliverer (another agent, a previous run) through the `done:<eventId>` keys it writes,
 * which waiters poll; so waiting works across restarts as long as the key's TTL lasts.
 */
import type { Redis } from "ioredis";
import { agentEventSchema } from "../../../shared/events.ts";
import type { OutboxKeys } from "./keys.ts";
import type { OutboxMetrics } from "./metrics.ts";
import type { EventSink } from "./sink.ts";

/** An event that does not match the schema: a producer bug, refused before it reaches Redis. */
export class InvalidEventError extends Error {
  override name = "InvalidEventError";
}

/** Web refused the event for good: it is in the dead-letter stream and will not be confirmed. */
export class EventDeadLetteredError extends Error {
  override name = "EventDeadLetteredError";
}

/** Web did not confirm the event within the wait. */
export class DeliveryTimeoutError extends Error {
  override name = "DeliveryTimeoutError";
}

/** What the outbox settled for an event: confirmed by web, or dead-lettered. */
export type Outcome = "ok" | "dead";

/** The sink, plus the hook its deliverer calls once outcomes are committed in Redis. */
export interface RedisEventSink extends EventSink {
  settled(eventIds: string[], outcome: Outcome): void;
}

/** Options of {@link createRedisEventSink}. */
export interface RedisSinkOptions {
  redis: Redis;
  keys: OutboxKeys;
  metrics: OutboxMetrics;
  /** Called after each append (wakes the deliverer of this process). */
  onAppend?: () => void;
  /** How often waiters look for confirmations written by another process. */
  pollMs?: number;
  /** Default wait of `delivered`. */
  defaultTimeoutMs?: number;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/** Creates the sink over `redis`. */
export function createRedisEventSink(options: RedisSinkOptions): RedisEventSink {
  const { redis, keys, metrics } = options;
  const pollMs = options.pollMs ?? 500;
  const waiters = new Map<string, Set<Waiter>>();
  let poller: ReturnType<typeof setInterval> | null = null;

  function stopPollingWhenIdle(): void {
    if (waiters.size === 0 && poller) {
      clearInterval(poller);
      poller = null;
    }
  }

  function settle(eventId: string, outcome: string | null): void {
    const waiting = waiters.get(eventId);
    if (!waiting || (outcome !== "ok" && outcome !== "dead")) return;
    waiters.delete(eventId);
    for (const waiter of waiting) {
      if (outcome === "ok") waiter.resolve();
      else waiter.reject(new EventDeadLetteredError(`web refused event ${eventId}`));
    }
    stopPollingWhenIdle();
  }

  function forget(eventId: string, waiter: Waiter): void {
    const waiting = waiters.get(eventId);
    waiting?.delete(waiter);
    if (waiting?.size === 0) waiters.delete(eventId);
    stopPollingWhenIdle();
  }

  async function poll(ids: string[]): Promise<void> {
    // A failed look (Redis down) is only "not yet": the next tick or the timeout decides.
    const values = await redis.mget(ids.map(keys.done)).catch(() => null);
    values?.forEach((value, i) => settle(ids[i], value));
  }

  function startPolling(): void {
    if (poller) return;
    poller = setInterval(() => {
      const ids = [...waiters.keys()];
      for (let i = 0; i < ids.length; i += 500) void poll(ids.slice(i, i + 500));
    }, pollMs);
    // Waiting for web must not keep a stopping process alive.
    (poller as { unref?: () => void }).unref?.();
  }

  return {
    async append(event) {
      const parsed = agentEventSchema.safeParse(event);
      if (!parsed.success) {
        metrics.appendRejected.inc();
        const issue = parsed.error.issues[0];
        throw new InvalidEventError(
          `not an agent event: ${issue.path.join(".") || "event"}: ${issue.message}`,
        );
      }
      // No MAXLEN here: trimming on append could drop events web has not confirmed.
      await redis.xadd(keys.stream, "*", "event", JSON.stringify(parsed.data));
      metrics.appended.inc();
      options.onAppend?.();
    },

    delivered(eventId, timeoutMs = options.defaultTimeoutMs ?? 30_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          forget(eventId, waiter);
          reject(new DeliveryTimeoutError(`event ${eventId} not confirmed in ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter: Waiter = {
          resolve: () => (clearTimeout(timer), resolve()),
          reject: (error) => (clearTimeout(timer), reject(error)),
        };
        // Registered before the first look, so a confirmation in between is not missed.
        waiters.set(eventId, (waiters.get(eventId) ?? new Set()).add(waiter));
        startPolling();
        void poll([eventId]);
      });
    },

    settled(eventIds, outcome) {
      for (const id of eventIds) settle(id, outcome);
    },
  };
}

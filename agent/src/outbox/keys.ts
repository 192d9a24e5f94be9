/**
 * Where the outbox lives in Redis. One stream holds every event not yet confirmed by web (an
 * entry is deleted the moment web confirms it, so the stream's length is the backlog); one
 * consumer group tracks what was handed to a deliverer and not acknowledged yet (its pending
 * list survives a crash of the deliverer and, with AOF, of Redis).
 *
 * ```text
 * outbox:events           stream  field `event` = the event's JSON (validated before XADD)
 *                         group   `web` (created at id 0, so entries older than it are kept)
 * outbox:dead             stream  refused events: `event`, `entry` (original id), `reason`, `at`
 * outbox:refusals         hash    entry id → times web refused it (cleared on ack/dead-letter)
 * outbox:done:<eventId>   string  `ok` once web confirmed, `dead` once dead-lettered; with a TTL
 * ```
 */
import { hostname } from "node:os";
import type { Redis } from "ioredis";

/** Key names of one outbox. */
export interface OutboxKeys {
  stream: string;
  group: string;
  deadLetters: string;
  refusals: string;
  /** The key that remembers the outcome for `eventId`. */
  done(eventId: string): string;
}

/** The keys under `prefix` (default `outbox`); tests use their own prefix to stay apart. */
export function outboxKeys(prefix = "outbox"): OutboxKeys {
  return {
    stream: `${prefix}:events`,
    group: "web",
    deadLetters: `${prefix}:dead`,
    refusals: `${prefix}:refusals`,
    done: (eventId) => `${prefix}:done:${eventId}`,
  };
}

/**
 * The consumer name a deliverer uses by default: the host name. Stable across restarts of the
 * same agent, so a restarted agent takes back its own unacknowledged entries at once; an agent
 * that never comes back (another host) has its entries claimed by the others after they idled.
 */
export function defaultConsumerName(): string {
  return `agent-${hostname().replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 60) || "local"}`;
}

/** Creates the stream and its group when missing (idempotent: BUSYGROUP means it exists). */
export async function ensureGroup(
  redis: Redis,
  keys: Pick<OutboxKeys, "stream" | "group">,
): Promise<void> {
  try {
    await redis.xgroup("CREATE", keys.stream, keys.group, "0", "MKSTREAM");
  } catch (error) {
    if (!String((error as Error).message).startsWith("BUSYGROUP")) throw error;
  }
}

/** True for the error Redis answers when the stream or group is gone (a flushed Redis). */
export function isNoGroup(error: unknown): boolean {
  return String((error as Error)?.message ?? "").startsWith("NOGROUP");
}

/** Milliseconds since the epoch encoded in a stream id (`<ms>-<seq>`). */
export function entryTimeMs(entryId: string): number {
  return Number(entryId.slice(0, entryId.indexOf("-")));
}

/**
 * Where a deliverer's next batch comes from, in this order:
 * 1. after a start, its own pending entries (read by an earlier run of the same consumer and never
 *    acknowledged: it died holding them), walked once with XREADGROUP from id 0;
 * 2. entries that idled too long in anyone's pending list (XAUTOCLAIM): a consumer that died for
 *    good, or events web refused once and that are due for another try;
 * 3. new entries (XREADGROUP `>`).
 * Reads are serialized (one at a time across lanes) so two lanes never take the same entries.
 */
import type { Redis } from "ioredis";
import { ensureGroup, type OutboxKeys } from "./keys.ts";
import type { OutboxMetrics } from "./metrics.ts";

/** One stream entry, as read. */
export interface Entry {
  entryId: string;
  /** The event's JSON as stored; null when the entry's data is gone (deleted meanwhile). */
  json: string | null;
  /** The event's id; null when `json` is missing or unreadable. */
  eventId: string | null;
}

/** Options of {@link createEntrySource}. */
export interface SourceOptions {
  redis: Redis;
  /** The stream and its group (the outbox's, or another stream read the same way). */
  keys: Pick<OutboxKeys, "stream" | "group">;
  /** The entry field holding the JSON (default `event`). */
  field?: string;
  consumer: string;
  batchSize: number;
  /** Pending entries idle this long are claimed (and refused ones retried). */
  claimIdleMs: number;
  metrics: Pick<OutboxMetrics, "reclaimed">;
  /** Entries this process is delivering right now: never claimed back from ourselves. */
  inFlight: Set<string>;
  /** Clock in ms (tests). */
  now?: () => number;
}

/** The reader. */
export interface EntrySource {
  next(): Promise<Entry[]>;
  /**
   * Starts over: its own pending entries are walked again (at a start: what a previous run held)
   * and the group is checked again (after NOGROUP: the stream was flushed).
   */
  reset(): void;
}

type RawEntry = [id: string, fields: string[] | null];

/** Turns a raw entry into an {@link Entry}, tolerating anything a stranger could have XADDed. */
export function toEntry([entryId, fields]: RawEntry, field = "event"): Entry {
  const at = fields ? fields.indexOf(field) : -1;
  const json = at >= 0 && at % 2 === 0 ? fields![at + 1] ?? null : null;
  // Data without an `event` field is kept whole, so the dead-letter stream shows what came in.
  if (json === null) {
    return { entryId, json: fields ? JSON.stringify(fields) : null, eventId: null };
  }
  try {
    const id = (JSON.parse(json) as { id?: unknown })?.id;
    return { entryId, json, eventId: typeof id === "string" ? id : null };
  } catch {
    return { entryId, json, eventId: null };
  }
}

/** Creates the reader of one consumer. */
export function createEntrySource(o: SourceOptions): EntrySource {
  const { redis, keys, metrics } = o;
  const now = o.now ?? Date.now;
  // How often to look for claimable entries: often enough that a dead consumer's entries move
  // on soon after they are claimable, rarely enough to cost nothing when there are none.
  const claimEveryMs = Math.max(100, Math.min(o.claimIdleMs / 2, 5000));
  let groupReady = false;
  let ownCursor: string | null = "0";
  let claimCursor = "0-0";
  let nextClaimAt = 0;
  let chain: Promise<unknown> = Promise.resolve();

  const entryOf = (raw: RawEntry) => toEntry(raw, o.field);
  const fresh = (entries: Entry[]) => entries.filter((e) => !o.inFlight.has(e.entryId));

  async function readGroup(id: string): Promise<RawEntry[]> {
    const reply = await redis.xreadgroup(
      "GROUP",
      keys.group,
      o.consumer,
      "COUNT",
      o.batchSize,
      "STREAMS",
      keys.stream,
      id,
    ) as [string, RawEntry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  }

  async function ownPending(): Promise<Entry[]> {
    while (ownCursor !== null) {
      const raw = await readGroup(ownCursor);
      if (raw.length === 0) {
        ownCursor = null;
        break;
      }
      ownCursor = raw[raw.length - 1][0];
      const entries = fresh(raw.map(entryOf));
      if (entries.length) {
        metrics.reclaimed.inc({}, entries.length);
        return entries;
      }
    }
    return [];
  }

  async function claimed(): Promise<Entry[]> {
    if (now() < nextClaimAt) return [];
    const [cursor, raw] = await redis.xautoclaim(
      keys.stream,
      keys.group,
      o.consumer,
      o.claimIdleMs,
      claimCursor,
      "COUNT",
      o.batchSize,
    ) as [string, RawEntry[], string[]?];
    claimCursor = cursor;
    // A whole pass of the pending list done: rest until the next look.
    if (cursor === "0-0") nextClaimAt = now() + claimEveryMs;
    const entries = fresh(raw.map(entryOf));
    if (entries.length) metrics.reclaimed.inc({}, entries.length);
    return entries;
  }

  async function read(): Promise<Entry[]> {
    if (!groupReady) {
      await ensureGroup(redis, keys);
      groupReady = true;
    }
    const own = await ownPending();
    if (own.length) return own;
    const taken = await claimed();
    if (taken.length) return taken;
    return (await readGroup(">")).map(entryOf);
  }

  return {
    next() {
      const result = chain.then(read);
      chain = result.catch(() => {});
      return result;
    },
    reset() {
      groupReady = false;
      ownCursor = "0";
      claimCursor = "0-0";
      nextClaimAt = 0;
    },
  };
}

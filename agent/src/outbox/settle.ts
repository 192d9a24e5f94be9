/**
 * Committing what web answered, each step one MULTI so Redis never holds half of it:
 * - confirmed (ok or duplicate): XACK, XDEL (the stream keeps only what web has not confirmed),
 *   forget its refusals, and write `done:<eventId> ok` with a TTL for `delivered()` waiters;
 * - refused: count the refusal; at the limit, move it to the dead-letter stream (XADD there,
 *   XACK and XDEL here, `done:<eventId> dead`) in the same MULTI, so it is in exactly one place.
 */
import type { Redis } from "ioredis";
import type { OutboxKeys } from "./keys.ts";
import type { Entry } from "./source.ts";

/** Limits of what is kept after settling. */
export interface SettleOptions {
  redis: Redis;
  keys: OutboxKeys;
  /** How long `done:<eventId>` keys live, so `delivered()` still answers after a restart. */
  doneTtlSeconds: number;
  /** Approximate cap of the dead-letter stream (oldest dead letters go first). */
  deadLetterMaxLen: number;
  /** Clock (tests). */
  now?: () => Date;
}

/** An entry web refused, with its reason. */
export interface Refused {
  entry: Entry;
  reason: string;
}

type Multi = ReturnType<Redis["multi"]>;

/** Runs a MULTI and fails if any of its commands failed. */
async function run(multi: Multi): Promise<void> {
  const replies = await multi.exec();
  if (!replies) throw new Error("redis discarded the transaction");
  const failed = replies.find(([error]) => error);
  if (failed) throw failed[0];
}

/** Creates the committer. */
export function createSettler(o: SettleOptions) {
  const { redis, keys } = o;
  const now = o.now ?? (() => new Date());

  return {
    /** Acknowledges entries web confirmed (and those whose data is gone: nothing to deliver). */
    async confirmed(entries: Entry[]): Promise<void> {
      if (entries.length === 0) return;
      const ids = entries.map((e) => e.entryId);
      const multi = redis.multi()
        .xack(keys.stream, keys.group, ...ids)
        .xdel(keys.stream, ...ids)
        .hdel(keys.refusals, ...ids);
      for (const e of entries) {
        if (e.eventId) multi.set(keys.done(e.eventId), "ok", "EX", o.doneTtlSeconds);
      }
      await run(multi);
    },

    /** Counts one more refusal of each; returns the counts in the same order. */
    async refusalCounts(refused: Refused[]): Promise<number[]> {
      const multi = redis.multi();
      for (const r of refused) multi.hincrby(keys.refusals, r.entry.entryId, 1);
      const replies = await multi.exec();
      if (!replies) throw new Error("redis discarded the transaction");
      return replies.map(([error, count]) => {
        if (error) throw error;
        return Number(count);
      });
    },

    /** Moves entries to the dead-letter stream, removing them from the outbox. */
    async deadLetter(refused: Refused[]): Promise<void> {
      if (refused.length === 0) return;
      const ids = refused.map((r) => r.entry.entryId);
      const at = now().toISOString();
      const multi = redis.multi();
      for (const { entry, reason } of refused) {
        multi.xadd(
          keys.deadLetters,
          "MAXLEN",
          "~",
          o.deadLetterMaxLen,
          "*",
          "event",
          entry.json ?? "",
          "entry",
          entry.entryId,
          "reason",
          reason.slice(0, 500),
          "at",
          at,
        );
        if (entry.eventId) multi.set(keys.done(entry.eventId), "dead", "EX", o.doneTtlSeconds);
      }
      multi.xack(keys.stream, keys.group, ...ids).xdel(keys.stream, ...ids).hdel(
        keys.refusals,
        ...ids,
      );
      await run(multi);
    },
  };
}

/** The committer's type. */
export type Settler = ReturnType<typeof createSettler>;

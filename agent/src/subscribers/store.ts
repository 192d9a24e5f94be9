/**
 * Redis layout of the subscriber directory: hash `sub:<care4wId>` with `ha1` ("" when the user has
 * no long-lived password), `active` ("1" | "0") and, when web gave them, the call profile: `name`
 * (CareFlow display name), `rec` ("1" when their "record my calls" setting is on), `e164` (their
 * own number) and who may ring them: `dnd` ("1": do-not-disturb), `nodirect` ("1": no calls from
 * colleagues) and `noanon` ("1": no withheld outside numbers). A negative answer from web is cached as an inactive entry with `neg` = "1" and a
 * short TTL, so unknown-user floods do not reach web; provisioning replaces such an entry and
 * clears its TTL.
 */
import type { Redis } from "ioredis";
import { ha1Schema } from "../../../shared/agent-contract.ts";
import { isCare4wId } from "../../../shared/care4w-id.ts";

/** What the call path knows about a user besides credentials; absent fields mean "none". */
export interface CallProfile {
  displayName?: string;
  recordCalls?: boolean;
  e164?: string;
  /** Only ever true when present. */
  doNotDisturb?: boolean;
  /** Only ever false when present (absent: colleagues may call). */
  allowDirectCalls?: boolean;
  /** Only ever true when present. */
  blockAnonymousCalls?: boolean;
}

/** Hash fields of the hot path's HMGET, in the order `fromFields` reads them. */
const READ_FIELDS = ["ha1", "active", "name", "rec", "e164", "dnd", "nodirect", "noanon"];

/** What the hot path needs about a subscriber: one HMGET gives all of it. */
export interface Subscriber extends CallProfile {
  ha1: string | null;
  active: boolean;
}

/** A full entry as stored, for provisioning decisions. */
export interface StoredEntry {
  ha1: string | null;
  active: boolean;
  /** True when the entry is a cached "web does not know this user". */
  negative: boolean;
}

/** Redis key of a subscriber. */
export function subscriberKey(care4wId: string): string {
  return `sub:${care4wId}`;
}

// Fills the cache only when nothing is there: a provisioning write that lands while a cache-miss
// fetch is in flight is newer than the fetched answer and must win. Profile fields (ARGV[5..])
// come as name/value pairs and are only written when given.
const FILL_IF_ABSENT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'ha1', ARGV[1], 'active', ARGV[2], 'neg', ARGV[3])
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if tonumber(ARGV[4]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
return 1`;

/** Typed access to the subscriber hashes. */
export interface SubscriberStore {
  /** Hot path: one HMGET. Null when there is no entry at all (a cache miss). */
  read(care4wId: string): Promise<Subscriber | null>;
  /** Whole entry, or null on a miss (provisioning only). */
  readEntry(care4wId: string): Promise<StoredEntry | null>;
  /** Authoritative write from provisioning: replaces the entry and drops any TTL. */
  write(care4wId: string, value: Subscriber): Promise<void>;
  /**
   * Every active subscriber with a long-lived HA1, in batches (SCAN: Redis keeps serving
   * meanwhile). What Kamailio's HA1 cache holds when it is full: only well-formed CareFlow IDs
   * and HA1s, whatever else a key holds.
   */
  credentials(batch?: number): AsyncIterable<Array<{ care4wId: string; ha1: string }>>;
  /** Cache fill from web; false when an entry appeared meanwhile (that entry is newer). */
  fillIfAbsent(
    care4wId: string,
    value: Subscriber | null,
    negativeTtlSeconds: number,
  ): Promise<boolean>;
}

/** The profile's hash fields, as name/value pairs (only those that are set). */
function profileFields(value: CallProfile): string[] {
  const fields: string[] = [];
  if (value.displayName !== undefined) fields.push("name", value.displayName);
  if (value.recordCalls) fields.push("rec", "1");
  if (value.e164) fields.push("e164", value.e164);
  if (value.doNotDisturb) fields.push("dnd", "1");
  if (value.allowDirectCalls === false) fields.push("nodirect", "1");
  if (value.blockAnonymousCalls) fields.push("noanon", "1");
  return fields;
}

/** A subscriber from HMGET's answers (`READ_FIELDS`); null on a miss. */
function fromFields(values: (string | null)[]): Subscriber | null {
  const [ha1, active, name, rec, e164, dnd, noDirect, noAnonymous] = values;
  if (active === null) return null;
  const subscriber: Subscriber = { ha1: ha1 ? ha1 : null, active: active === "1" };
  if (name !== null) subscriber.displayName = name;
  if (rec === "1") subscriber.recordCalls = true;
  if (e164) subscriber.e164 = e164;
  if (dnd === "1") subscriber.doNotDisturb = true;
  if (noDirect === "1") subscriber.allowDirectCalls = false;
  if (noAnonymous === "1") subscriber.blockAnonymousCalls = true;
  return subscriber;
}

/** Creates the store over a Redis client. Redis errors propagate to the caller. */
export function createSubscriberStore(redis: Redis): SubscriberStore {
  return {
    async read(care4wId) {
      return fromFields(await redis.hmget(subscriberKey(care4wId), ...READ_FIELDS));
    },

    async readEntry(care4wId) {
      const fields = await redis.hgetall(subscriberKey(care4wId));
      if (fields.active === undefined) return null;
      return {
        ha1: fields.ha1 ? fields.ha1 : null,
        active: fields.active === "1",
        negative: fields.neg === "1",
      };
    },

    async write(care4wId, value) {
      const key = subscriberKey(care4wId);
      const fields: string[] = ["ha1", value.ha1 ?? "", "active", value.active ? "1" : "0"];
      fields.push(...profileFields(value));
      // DEL then HSET in one transaction: no reader sees a half-written entry, and a negative
      // entry's TTL does not survive onto a real subscriber.
      const results = await redis.multi().del(key).hset(key, ...fields).exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error("redis transaction aborted");
    },

    async *credentials(batch = 500) {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", "sub:*", "COUNT", batch);
        cursor = next;
        if (keys.length === 0) continue;
        const pipeline = redis.pipeline();
        for (const key of keys) pipeline.hmget(key, "ha1", "active");
        const answers = (await pipeline.exec()) ?? [];
        const found: Array<{ care4wId: string; ha1: string }> = [];
        answers.forEach(([error, fields], i) => {
          if (error) throw error;
          const [ha1, active] = fields as (string | null)[];
          const care4wId = keys[i].slice(4);
          if (active === "1" && ha1Schema.safeParse(ha1).success && isCare4wId(care4wId)) {
            found.push({ care4wId, ha1: ha1! });
          }
        });
        if (found.length > 0) yield found;
      } while (cursor !== "0");
    },

    async fillIfAbsent(care4wId, value, negativeTtlSeconds) {
      const args = value
        ? [value.ha1 ?? "", value.active ? "1" : "0", "0", "0", ...profileFields(value)]
        : ["", "0", "1", String(negativeTtlSeconds)];
      const written = await redis.eval(FILL_IF_ABSENT, 1, subscriberKey(care4wId), ...args);
      return written === 1;
    },
  };
}

/**
 * The access trail's hash chain, as pure functions: each entry's hash covers all its fields and
 * the previous entry's hash, so changing, removing or reordering any stored entry breaks the
 * chain at that point. (Rewriting an entry *and every later one* cannot be seen from the chain
 * alone; comparing the last hash with a copy kept elsewhere catches that.)
 */
import { createHash } from "node:crypto";
import type { TrailEntry } from "./recording.ts";

/** The `previousHash` of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** Names the serialisation, so a future change of format can never collide with this one. */
const FORMAT = "careflow-access-trail-v1";

/** An entry before its hash is known. */
export type UnhashedEntry = Omit<TrailEntry, "hash">;

/** What the caller says about an access; the chain supplies the rest. */
export type TrailFields = Omit<TrailEntry, "seq" | "previousHash" | "hash">;

/**
 * SHA-256 (hex) of the entry's fields, `seq` and `previousHash` included, ignoring any `hash` it
 * carries. The serialisation is a JSON array in a fixed order: unambiguous (strings are quoted
 * and escaped, null stays distinct from "null") and independent of property order.
 */
export function trailHash(entry: UnhashedEntry): string {
  const canonical = JSON.stringify([
    FORMAT,
    entry.seq,
    entry.at.getTime(),
    entry.actorUserId,
    entry.recordingId,
    entry.action,
    entry.ip,
    entry.userAgent,
    entry.previousHash,
  ]);
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}

/** The entry that follows `last` (null: the first entry of the trail). */
export function nextEntry(last: TrailEntry | null, fields: TrailFields): TrailEntry {
  const unhashed: UnhashedEntry = {
    seq: (last?.seq ?? 0) + 1,
    at: fields.at,
    actorUserId: fields.actorUserId,
    recordingId: fields.recordingId,
    action: fields.action,
    ip: fields.ip,
    userAgent: fields.userAgent,
    previousHash: last?.hash ?? GENESIS_HASH,
  };
  return { ...unhashed, hash: trailHash(unhashed) };
}

/** The outcome of checking a run of entries. */
export type TrailVerdict =
  | { ok: true; checked: number }
  | { ok: false; brokenAt: number; reason: string };

/**
 * Checks entries in order: consecutive `seq`, each `previousHash` equal to the hash before it,
 * each `hash` equal to its fields' hash. `brokenAt` is the first seq that is not as it should be
 * (for a missing entry, the missing seq). Entries are checked from the start of the trail unless
 * `before` (the entry just before the first one, already trusted) is given, so a long trail can
 * be verified page by page.
 */
export function verifyTrail(
  entries: readonly TrailEntry[],
  before: TrailEntry | null = null,
): TrailVerdict {
  let expectedSeq = (before?.seq ?? 0) + 1;
  let expectedPrevious = before?.hash ?? GENESIS_HASH;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq) {
      return {
        ok: false,
        brokenAt: expectedSeq,
        reason: `expected seq ${expectedSeq}, found ${entry.seq}`,
      };
    }
    if (entry.previousHash !== expectedPrevious) {
      const reason = expectedSeq === 1
        ? "the first entry does not start from the genesis hash"
        : `previousHash does not match the hash of entry ${expectedSeq - 1}`;
      return { ok: false, brokenAt: entry.seq, reason };
    }
    if (entry.hash !== trailHash(entry)) {
      return { ok: false, brokenAt: entry.seq, reason: "hash does not match the entry's fields" };
    }
    expectedSeq++;
    expectedPrevious = entry.hash;
  }
  return { ok: true, checked: entries.length };
}

/** Raised when an entry would not continue the chain it is appended to. */
export class TrailChainError extends Error {
  constructor(readonly seq: number, readonly reason: string) {
    super(`access trail entry ${seq} does not continue the chain: ${reason}`);
    this.name = "TrailChainError";
  }
}

/**
 * Throws `TrailChainError` unless `entry` is a valid successor of `last` (null: the first
 * entry): the stores call it before every append, so no code path can fork or gap the trail or
 * store an entry that would not verify.
 */
export function assertNextEntry(last: TrailEntry | null, entry: TrailEntry): void {
  const verdict = verifyTrail([entry], last);
  if (!verdict.ok) throw new TrailChainError(verdict.brokenAt, verdict.reason);
}

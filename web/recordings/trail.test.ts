import assert from "node:assert/strict";
import type { TrailEntry } from "./recording.ts";
import {
  assertNextEntry,
  GENESIS_HASH,
  nextEntry,
  TrailChainError,
  type TrailFields,
  trailHash,
  type UnhashedEntry,
  verifyTrail,
} from "./trail.ts";

const T0 = new Date("2026-03-01T09:00:00Z").getTime();

const fields = (n: number): TrailFields => ({
  at: new Date(T0 + n * 1000),
  actorUserId: n % 3 === 0 ? null : `u-${n}`,
  recordingId: `r-${n % 2}`,
  action: n % 2 === 0 ? "play" : "download",
  ip: n % 4 === 0 ? null : `192.0.2.${n}`,
  userAgent: n % 5 === 0 ? null : `agent ${n}`,
});

/** A valid chain of `length` entries, seq 1..length. */
function chain(length: number): TrailEntry[] {
  const entries: TrailEntry[] = [];
  for (let n = 1; n <= length; n++) entries.push(nextEntry(entries.at(-1) ?? null, fields(n)));
  return entries;
}

Deno.test("nextEntry starts from the genesis hash and links each entry to the one before", () => {
  const [first, second] = chain(2);
  assert.equal(first.seq, 1);
  assert.equal(first.previousHash, GENESIS_HASH);
  assert.match(first.hash, /^[0-9a-f]{64}$/);
  assert.deepEqual({ ...first, hash: undefined }, {
    ...fields(1),
    seq: 1,
    previousHash: GENESIS_HASH,
    hash: undefined,
  });
  assert.equal(second.seq, 2);
  assert.equal(second.previousHash, first.hash);
  assert.equal(second.hash, trailHash(second));
});

Deno.test("trailHash covers every field and ignores property order and the hash itself", () => {
  const entry: UnhashedEntry = { ...fields(1), seq: 1, previousHash: GENESIS_HASH };
  const base = trailHash(entry);
  const reordered = Object.fromEntries(Object.entries(entry).reverse()) as UnhashedEntry;
  assert.equal(trailHash(reordered), base);
  assert.equal(trailHash({ ...entry, hash: "f".repeat(64) } as UnhashedEntry), base);
  const changes: Partial<UnhashedEntry>[] = [
    { seq: 2 },
    { at: new Date(T0 + 1001) },
    { actorUserId: "u-other" },
    { actorUserId: null },
    { recordingId: "r-other" },
    { action: "delete" },
    { ip: null },
    { ip: "192.0.2.99" },
    { userAgent: null },
    { userAgent: "other" },
    { previousHash: "1".repeat(64) },
  ];
  for (const change of changes) {
    assert.notEqual(trailHash({ ...entry, ...change }), base, JSON.stringify(change));
  }
  // null and the text "null" are different values, so they must hash differently.
  assert.notEqual(trailHash({ ...entry, ip: null }), trailHash({ ...entry, ip: "null" }));
});

Deno.test("a valid chain verifies; an empty one trivially", () => {
  assert.deepEqual(verifyTrail(chain(6)), { ok: true, checked: 6 });
  assert.deepEqual(verifyTrail([]), { ok: true, checked: 0 });
});

Deno.test("a chain verifies page by page from the entry before the page", () => {
  const entries = chain(6);
  assert.deepEqual(verifyTrail(entries.slice(3), entries[2]), { ok: true, checked: 3 });
  // Without its predecessor, a later page does not start where the trail starts.
  assert.equal(verifyTrail(entries.slice(3)).ok, false);
  const forged = { ...entries[2], hash: "0".repeat(63) + "1" };
  assert.deepEqual(verifyTrail(entries.slice(3), forged), {
    ok: false,
    brokenAt: 4,
    reason: "previousHash does not match the hash of entry 3",
  });
});

Deno.test("changing any field of any stored entry is detected at that entry", () => {
  const entries = chain(5);
  const changes: Partial<TrailEntry>[] = [
    { at: new Date(T0) },
    { actorUserId: "u-mallory" },
    { actorUserId: null },
    { recordingId: "r-9" },
    { action: "purge" },
    { ip: "203.0.113.7" },
    { userAgent: "forged" },
  ];
  for (let index = 0; index < entries.length; index++) {
    for (const change of changes) {
      const tampered = entries.map((e, i) => (i === index ? { ...e, ...change } : e));
      if (trailHash(tampered[index]) === entries[index].hash) continue; // change was a no-op
      const verdict = verifyTrail(tampered);
      assert.equal(verdict.ok, false, JSON.stringify(change));
      assert.equal(!verdict.ok && verdict.brokenAt, index + 1, JSON.stringify(change));
    }
  }
});

Deno.test("a changed seq or previousHash is detected at that entry", () => {
  const entries = chain(4);
  const renumbered = entries.map((e, i) => (i === 2 ? { ...e, seq: 7 } : e));
  assert.deepEqual(verifyTrail(renumbered), {
    ok: false,
    brokenAt: 3,
    reason: "expected seq 3, found 7",
  });
  const relinked = entries.map((e, i) => (i === 0 ? { ...e, previousHash: "a".repeat(64) } : e));
  assert.deepEqual(verifyTrail(relinked), {
    ok: false,
    brokenAt: 1,
    reason: "the first entry does not start from the genesis hash",
  });
});

Deno.test("a deleted entry is detected at the missing seq", () => {
  const entries = chain(5);
  const verdict = verifyTrail([...entries.slice(0, 2), ...entries.slice(3)]);
  assert.deepEqual(verdict, { ok: false, brokenAt: 3, reason: "expected seq 3, found 4" });
  assert.equal((verifyTrail(entries.slice(1)) as { brokenAt: number }).brokenAt, 1);
});

Deno.test("reordered entries are detected where the order breaks", () => {
  const entries = chain(5);
  const swapped = [entries[0], entries[2], entries[1], entries[3], entries[4]];
  assert.deepEqual(verifyTrail(swapped), {
    ok: false,
    brokenAt: 2,
    reason: "expected seq 2, found 3",
  });
  // Swapping the contents but keeping the positions' seq numbers breaks the hashes instead.
  const relabelled = swapped.map((e, i) => ({ ...e, seq: i + 1 }));
  const verdict = verifyTrail(relabelled);
  assert.equal(!verdict.ok && verdict.brokenAt, 2);
});

Deno.test("a forged hash is detected: alone at its entry, recomputed at the next one", () => {
  const entries = chain(5);
  const forged = entries.map((e, i) => (i === 3 ? { ...e, hash: "b".repeat(64) } : e));
  assert.deepEqual(verifyTrail(forged), {
    ok: false,
    brokenAt: 4,
    reason: "hash does not match the entry's fields",
  });
  // Changing entry 2 and recomputing its hash passes at 2 but breaks the link from 3.
  const changed = { ...entries[1], ip: "203.0.113.7" };
  const rehashed = entries.map((e, i) => (i === 1 ? { ...changed, hash: trailHash(changed) } : e));
  assert.deepEqual(verifyTrail(rehashed), {
    ok: false,
    brokenAt: 3,
    reason: "previousHash does not match the hash of entry 2",
  });
});

Deno.test("assertNextEntry accepts only the valid successor of the last entry", () => {
  const [first, second] = chain(2);
  assertNextEntry(null, first);
  assertNextEntry(first, second);
  const refused = (last: TrailEntry | null, entry: TrailEntry, seq: number) =>
    assert.throws(
      () => assertNextEntry(last, entry),
      (e) => e instanceof TrailChainError && e.seq === seq,
    );
  refused(second, second, 3); // a repeat: seq 2 again after 2
  refused(null, second, 1); // a second entry with nothing before it
  refused(first, { ...second, previousHash: GENESIS_HASH }, 2);
  refused(first, { ...second, hash: first.hash }, 2);
});

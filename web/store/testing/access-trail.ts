/** The behaviour every AccessTrailStore must have. */
import assert from "node:assert/strict";
import type { TrailEntry } from "../../recordings/recording.ts";
import {
  GENESIS_HASH,
  nextEntry,
  TrailChainError,
  type TrailFields,
  trailHash,
  verifyTrail,
} from "../../recordings/trail.ts";
import { defineContract } from "../../testing/contract.ts";
import type { AccessTrailStore } from "../access-trail.ts";
import { trailSearchChecks } from "./trail-search.ts";

const T0 = new Date("2026-03-01T09:00:00Z").getTime();

/** What happened in access `n`: alternating recordings, the system acting every third time. */
const fields = (n: number, recordingId = `r-${n % 2}`): TrailFields => ({
  at: new Date(T0 + n * 1000),
  actorUserId: n % 3 === 0 ? null : `u-${n}`,
  recordingId,
  action: n % 3 === 0 ? "purge" : "play",
  ip: n % 3 === 0 ? null : `192.0.2.${n % 250}`,
  userAgent: n % 3 === 0 ? null : "Mozilla/5.0 (test)",
});

/** Appends `count` ordinary entries, one after another. */
async function appendMany(store: AccessTrailStore, count: number): Promise<TrailEntry[]> {
  const appended: TrailEntry[] = [];
  for (let n = 1; n <= count; n++) {
    appended.push(await store.appendTrail((last) => nextEntry(last, fields(n))));
  }
  return appended;
}

const seqs = (entries: readonly TrailEntry[]) => entries.map((e) => e.seq);

/** Runs the access trail contract against one implementation. */
export const accessTrailStoreContract = defineContract<AccessTrailStore>("access trail store", {
  "the first entry is built from no previous entry and stored as built": async (store) => {
    assert.deepEqual(await store.listTrail(1, 10), []);
    const seen: (TrailEntry | null)[] = [];
    const first = await store.appendTrail((last) => {
      seen.push(last);
      return nextEntry(last, fields(3));
    });
    assert.deepEqual(seen, [null]);
    assert.equal(first.seq, 1);
    assert.equal(first.previousHash, GENESIS_HASH);
    // fields(3) is the system acting: null actor, ip and user agent survive the round trip.
    assert.deepEqual(await store.listTrail(1, 10), [first]);
  },
  "each append is built on the last entry and links to it": async (store) => {
    const [first] = await appendMany(store, 1);
    let given: TrailEntry | null = null;
    const second = await store.appendTrail((last) => {
      given = last;
      return nextEntry(last, fields(2));
    });
    assert.deepEqual(given, first);
    assert.equal(second.seq, 2);
    assert.equal(second.previousHash, first.hash);
    await appendMany(store, 3);
    const all = await store.listTrail(1, 100);
    assert.deepEqual(seqs(all), [1, 2, 3, 4, 5]);
    assert.deepEqual(verifyTrail(all), { ok: true, checked: 5 });
  },
  "100 concurrent appends get seq 1..100 with no gap or fork": async (store) => {
    const appended = await Promise.all(
      Array.from(
        { length: 100 },
        (_, i) => store.appendTrail((last) => nextEntry(last, fields(i + 1))),
      ),
    );
    assert.deepEqual(
      seqs(appended).sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    const all = await store.listTrail(1, 1000);
    assert.equal(all.length, 100);
    assert.deepEqual(verifyTrail(all), { ok: true, checked: 100 });
  },
  "an entry that does not continue the chain is refused and nothing is stored": async (store) => {
    const [first] = await appendMany(store, 1);
    const refused = (build: (last: TrailEntry | null) => TrailEntry) =>
      assert.rejects(store.appendTrail(build), (e) => e instanceof TrailChainError && e.seq === 2);
    const rehash = (entry: Omit<TrailEntry, "hash">) => ({ ...entry, hash: trailHash(entry) });
    // A wrong seq (even with a self-consistent hash), a wrong link, a wrong hash.
    await refused((last) => rehash({ ...nextEntry(last, fields(2)), seq: 3 }));
    await refused((last) => rehash({ ...nextEntry(last, fields(2)), previousHash: GENESIS_HASH }));
    await refused((last) => ({ ...nextEntry(last, fields(2)), hash: "f".repeat(64) }));
    // A build that ignores the last entry would start a second chain.
    await refused(() => nextEntry(null, fields(2)));
    assert.deepEqual(await store.listTrail(1, 10), [first]);
    const second = await store.appendTrail((last) => nextEntry(last, fields(2)));
    assert.equal(second.seq, 2);
  },
  "entries about one recording are listed oldest first": async (store) => {
    for (
      const [n, recordingId] of [[1, "r-a"], [2, "r-b"], [3, "r-a"], [4, "r-c"], [
        5,
        "r-a",
      ]] as const
    ) {
      await store.appendTrail((last) => nextEntry(last, fields(n, recordingId)));
    }
    const forA = await store.listTrailForRecording("r-a");
    assert.deepEqual(seqs(forA), [1, 3, 5]);
    assert.ok(forA.every((e) => e.recordingId === "r-a"));
    assert.deepEqual(seqs(await store.listTrailForRecording("r-b")), [2]);
    assert.deepEqual(await store.listTrailForRecording("r-none"), []);
  },
  "the trail is listed from a seq, in order, at most limit": async (store) => {
    const appended = await appendMany(store, 5);
    assert.deepEqual(await store.listTrail(3, 10), appended.slice(2));
    assert.deepEqual(seqs(await store.listTrail(2, 2)), [2, 3]);
    assert.deepEqual(seqs(await store.listTrail(0, 2)), [1, 2]);
    assert.deepEqual(await store.listTrail(6, 10), []);
    assert.deepEqual(await store.listTrail(1, 0), []);
    // Page by page, each page verified from the last entry of the one before.
    const page1 = await store.listTrail(1, 3);
    const page2 = await store.listTrail(4, 3);
    assert.deepEqual(verifyTrail(page2, page1.at(-1)), { ok: true, checked: 2 });
  },
  ...trailSearchChecks,
});

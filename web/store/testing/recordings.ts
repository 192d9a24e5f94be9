/** The behaviour every RecordingStore must have: keeping, finding and listing recordings. */
import assert from "node:assert/strict";
import { defineContract } from "../../testing/contract.ts";
import type { RecordingStore } from "../recordings.ts";
import {
  ALICE,
  ALICE_ID,
  aliceIds,
  BOB_ID,
  CAROL,
  DAVE,
  insertAll,
  MINUTE,
  recording,
  SEED,
  T0,
} from "./recording-fixtures.ts";

/** Runs the recording contract (records and lists) against one implementation. */
export const recordingStoreContract = defineContract<RecordingStore>("recording store", {
  "insertRecording is idempotent by id and keeps every field": async (store) => {
    const first = SEED[1];
    assert.equal(await store.insertRecording(first), true);
    assert.equal(await store.insertRecording({ ...first, notes: "other", tags: ["x"] }), false);
    assert.deepEqual(await store.getRecordingForOwner(first.id, ALICE_ID), first);
    assert.deepEqual(await store.getRecording(first.id), first);
    assert.equal((await store.listRecordingsForOwner(ALICE_ID, { page: 1, limit: 10 })).total, 1);
  },
  "only the owner finds a recording; the system finds any": async (store) => {
    await insertAll(store, SEED);
    assert.equal(await store.getRecordingForOwner("b1", ALICE_ID), null);
    assert.equal((await store.getRecordingForOwner("b1", BOB_ID))?.id, "b1");
    assert.equal(await store.getRecordingForOwner("r1", BOB_ID), null);
    assert.equal((await store.getRecording("b1"))?.ownerUserId, BOB_ID);
    assert.equal(await store.getRecording("missing"), null);
    assert.equal(await store.getRecordingForOwner("missing", ALICE_ID), null);
    const bobs = await store.listRecordingsForOwner(BOB_ID, { page: 1, limit: 10 });
    assert.deepEqual(bobs.recordings.map((r) => r.id), ["b1"]);
    assert.deepEqual(await store.listRecordingsForOwner("u-nobody", { page: 1, limit: 10 }), {
      recordings: [],
      total: 0,
    });
  },
  "without a status deleted recordings are left out; every filter applies": async (store) => {
    await insertAll(store, SEED);
    assert.deepEqual(await aliceIds(store), ["r5", "r3", "r2", "r1"]);
    assert.deepEqual(await aliceIds(store, { status: "deleted" }), ["r4"]);
    assert.deepEqual(await aliceIds(store, { status: "archived" }), ["r2"]);
    assert.deepEqual(await aliceIds(store, { status: "error" }), []);
    assert.deepEqual(await aliceIds(store, { type: "voicemail" }), ["r5", "r3"]);
    assert.deepEqual(await aliceIds(store, { type: "call" }), ["r2", "r1"]);
    assert.deepEqual(await aliceIds(store, { direction: "outbound" }), ["r1"]);
    assert.deepEqual(await aliceIds(store, { direction: "inbound" }), ["r5", "r3", "r2"]);
    assert.deepEqual(await aliceIds(store, { direction: "outbound", status: "deleted" }), ["r4"]);
    // from is inclusive, to exclusive.
    assert.deepEqual(await aliceIds(store, { from: new Date(T0 + 2 * MINUTE) }), [
      "r5",
      "r3",
      "r2",
    ]);
    assert.deepEqual(await aliceIds(store, { to: new Date(T0 + 3 * MINUTE) }), ["r2", "r1"]);
    assert.deepEqual(
      await aliceIds(store, {
        from: new Date(T0 + 2 * MINUTE),
        to: new Date(T0 + 5 * MINUTE),
        type: "voicemail",
      }),
      ["r3"],
    );
    const counted = await store.listRecordingsForOwner(ALICE_ID, {
      page: 1,
      limit: 1,
      direction: "inbound",
    });
    assert.equal(counted.total, 3);
  },
  "q matches the other party's name or ID, the notes or a tag, any case": async (store) => {
    await insertAll(store, SEED);
    const search = (q: string) => aliceIds(store, { q });
    // Bob is `to` of the outbound r1 and `from` of the inbound r5.
    assert.deepEqual(await search("bob"), ["r5", "r1"]);
    assert.deepEqual(await search("CARE4W-1000003"), ["r2"]);
    assert.deepEqual(await search("1000004"), ["r3"]);
    // The owner's own side never matches: Alice is `from` on outbound and `to` on inbound.
    assert.deepEqual(await search("alice"), []);
    assert.deepEqual(await search("1000001"), []);
    assert.deepEqual(await search("CARE PLAN"), ["r1"]);
    assert.deepEqual(await search("prescription"), ["r3"]);
    assert.deepEqual(await search("urgent"), ["r1"]);
    assert.deepEqual(await search("FOLLOW"), ["r2"]);
    // Case folding beyond ASCII, in names and in tags.
    assert.deepEqual(await search("JÖNES"), ["r2"]);
    assert.deepEqual(await search("ärz"), ["r2"]);
    assert.deepEqual(await search("nobody-has-this"), []);
    // q combines with the other filters: r4 (deleted, to Carol) only with its status.
    assert.deepEqual(await aliceIds(store, { q: "jönes", status: "deleted" }), ["r4"]);
    assert.deepEqual(await aliceIds(store, { q: "bob", type: "voicemail" }), ["r5"]);
    const counted = await store.listRecordingsForOwner(ALICE_ID, { page: 1, limit: 1, q: "bob" });
    assert.equal(counted.total, 2);
  },
  "updateRecording fills in the parties, and search follows them": async (store) => {
    // A call recording starts before its call record exists: both parties are the owner.
    await insertAll(store, [recording("x", 1, { to: ALICE, callMode: "webrtc" })]);
    assert.deepEqual(await aliceIds(store, { q: "bob" }), []);
    const filled = await store.updateRecording("x", {
      from: CAROL,
      to: ALICE,
      direction: "inbound",
      callMode: "sip",
    });
    assert.deepEqual(filled?.from, CAROL);
    assert.deepEqual(filled?.to, ALICE);
    assert.equal(filled?.direction, "inbound");
    assert.equal(filled?.callMode, "sip");
    assert.deepEqual(await aliceIds(store, { q: "jönes" }), ["x"]);
    assert.deepEqual(await aliceIds(store, { q: "CARE4W-1000003" }), ["x"]);
    assert.deepEqual(await aliceIds(store, { direction: "inbound" }), ["x"]);
    // Only `to` and the direction change: Carol stays `from` but is no longer the other party.
    await store.updateRecording("x", { to: DAVE, direction: "outbound" });
    assert.deepEqual(await aliceIds(store, { q: "dave" }), ["x"]);
    assert.deepEqual(await aliceIds(store, { q: "jönes" }), []);
    assert.deepEqual((await store.getRecording("x"))?.from, CAROL);
  },
  "q treats SQL LIKE and regex metacharacters literally": async (store) => {
    await insertAll(store, SEED);
    const search = (q: string) => aliceIds(store, { q });
    assert.deepEqual(await search("100% real_"), ["r5", "r1"]);
    assert.deepEqual(await search("%"), ["r5", "r1"]);
    assert.deepEqual(await search("_"), ["r5", "r1"]);
    assert.deepEqual(await search("."), ["r3", "r1"]);
    assert.deepEqual(await search("*"), ["r5"]);
    assert.deepEqual(await search(".*"), []);
    assert.deepEqual(await search("plan.$"), []);
    assert.deepEqual(await search("[a-z]"), []);
    assert.deepEqual(await search("\\"), []);
  },
  "recordings sort newest, oldest or unlistened first; ties by id": async (store) => {
    await insertAll(store, SEED);
    assert.deepEqual(await aliceIds(store, { sort: "newest" }), ["r5", "r3", "r2", "r1"]);
    assert.deepEqual(await aliceIds(store, { sort: "oldest" }), ["r1", "r2", "r3", "r5"]);
    // Unlistened (r3, r2) first, then listened (r5, r1), each newest first.
    assert.deepEqual(await aliceIds(store, { sort: "unlistened" }), ["r3", "r2", "r5", "r1"]);
    await insertAll(store, [recording("t-a", 9), recording("t-b", 9)]);
    assert.deepEqual((await aliceIds(store)).slice(0, 2), ["t-b", "t-a"]);
    assert.deepEqual((await aliceIds(store, { sort: "oldest" })).slice(-2), ["t-a", "t-b"]);
    assert.deepEqual((await aliceIds(store, { sort: "unlistened" })).slice(0, 2), ["t-b", "t-a"]);
  },
  "recordings are paginated with the total of the whole match": async (store) => {
    await insertAll(store, SEED);
    const page = (page: number, limit: number) =>
      store.listRecordingsForOwner(ALICE_ID, { page, limit });
    const first = await page(1, 2);
    assert.deepEqual(first.recordings.map((r) => r.id), ["r5", "r3"]);
    assert.equal(first.total, 4);
    assert.deepEqual(first.recordings[0], SEED[4]);
    const second = await page(2, 2);
    assert.deepEqual(second.recordings.map((r) => r.id), ["r2", "r1"]);
    assert.equal(second.total, 4);
    assert.deepEqual(await page(3, 2), { recordings: [], total: 4 });
    assert.deepEqual(await page(1, 0), { recordings: [], total: 4 });
    const oldestSecond = await store.listRecordingsForOwner(ALICE_ID, {
      page: 2,
      limit: 3,
      sort: "oldest",
    });
    assert.deepEqual(oldestSecond.recordings.map((r) => r.id), ["r5"]);
  },
});

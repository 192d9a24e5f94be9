/**
 * The behaviour every RecordingStore must have when recordings change: patches, what they hold
 * in storage, unread voicemail, and what the retention sweeper asks for.
 */
import assert from "node:assert/strict";
import { defineContract } from "../../testing/contract.ts";
import type { Recording } from "../../recordings/recording.ts";
import type { RecordingPatch, RecordingStore } from "../recordings.ts";
import {
  ALICE_ID,
  aliceIds,
  BOB,
  BOB_ID,
  DAY,
  ids,
  insertAll,
  recording,
  SEED,
  T0,
  voicemail,
} from "./recording-fixtures.ts";

/**
 * The sweeper's "now": the real clock, because `updateRecording` stamps `updatedAt` with it and
 * the stall check must see that stamp as fresh.
 */
const NOW = Date.now();
const ago = (days: number) => new Date(NOW - days * DAY);
/** A recording of Alice's recorded (and last changed) `days` before NOW. */
const aged = (id: string, days: number, extra: Partial<Recording> = {}) =>
  recording(id, 0, { recordedAt: ago(days), createdAt: ago(days), updatedAt: ago(days), ...extra });

/** Runs the recording contract (changes and upkeep) against one implementation. */
export const recordingUpkeepContract = defineContract<RecordingStore>("recording store upkeep", {
  "updateRecording patches only the given fields and bumps updatedAt": async (store) => {
    await insertAll(store, SEED);
    const original = SEED[0];
    const before = Date.now();
    const updated = await store.updateRecording("r1", { notes: "New note", tags: ["Billing"] });
    assert.ok(updated);
    assert.ok(updated.updatedAt.getTime() >= before);
    assert.deepEqual(updated, {
      ...original,
      notes: "New note",
      tags: ["Billing"],
      updatedAt: updated.updatedAt,
    });
    assert.deepEqual(await store.getRecording("r1"), updated);
    // Search follows the new notes and tags, and forgets the old ones.
    assert.deepEqual(await aliceIds(store, { q: "billing" }), ["r1"]);
    assert.deepEqual(await aliceIds(store, { q: "new note" }), ["r1"]);
    assert.deepEqual(await aliceIds(store, { q: "urgent" }), []);
    assert.deepEqual(await aliceIds(store, { q: "care plan" }), []);
    const purgedAt = new Date(T0 + 9 * DAY);
    const purged = await store.updateRecording("r1", { storageKey: null, purgedAt, fileSize: 0 });
    assert.equal(purged?.storageKey, null);
    assert.deepEqual(purged?.purgedAt, purgedAt);
    assert.equal(purged?.notes, "New note");
    assert.deepEqual(purged?.tags, ["Billing"]);
    const empty = await store.updateRecording("r1", {});
    assert.deepEqual({ ...empty, updatedAt: null }, { ...purged, updatedAt: null });
    // A caller on its own clock says when the change happened.
    const at = new Date(T0 + 10 * DAY);
    assert.deepEqual(await store.updateRecording("r1", { isListened: false }, at), {
      ...purged,
      isListened: false,
      updatedAt: at,
    });
    assert.equal(await store.updateRecording("missing", { isListened: true }), null);
  },
  "updateRecording changes status, dates and listening, and nothing it is not given": async (
    store,
  ) => {
    await insertAll(store, SEED);
    const deletedAt = new Date(T0 + DAY);
    await store.updateRecording("r3", { status: "deleted", deletedAt, isListened: true });
    assert.deepEqual(await aliceIds(store), ["r5", "r2", "r1"]);
    const r3 = await store.getRecording("r3");
    assert.equal(r3?.status, "deleted");
    assert.deepEqual(r3?.deletedAt, deletedAt);
    assert.equal(r3?.isListened, true);
    const restored = await store.updateRecording("r3", { status: "active", deletedAt: null });
    assert.equal(restored?.deletedAt, null);
    // Fields outside RecordingPatch are never written, whatever a caller passes at run time.
    const sneaky = { notes: "n", ownerUserId: BOB_ID, id: "r9" } as RecordingPatch;
    await store.updateRecording("r2", sneaky);
    assert.equal((await store.getRecordingForOwner("r2", ALICE_ID))?.notes, "n");
    assert.equal(await store.getRecording("r9"), null);
  },
  "storedBytesForOwner sums every recording not yet purged": async (store) => {
    assert.equal(await store.storedBytesForOwner(ALICE_ID), 0);
    await insertAll(store, [
      recording("a", 1, { fileSize: 1000 }),
      recording("b", 2, { fileSize: 2500, status: "archived" }),
      recording("c", 3, { fileSize: 300, status: "deleted", deletedAt: new Date(T0) }),
      recording("d", 4, { fileSize: 5000, status: "deleted", purgedAt: new Date(T0) }),
      recording("e", 5, { fileSize: 7, status: "recording" }),
      recording("f", 6, { fileSize: 40_000, ownerUserId: BOB_ID }),
    ]);
    assert.equal(await store.storedBytesForOwner(ALICE_ID), 3807);
    assert.equal(await store.storedBytesForOwner(BOB_ID), 40_000);
    assert.equal(await store.storedBytesForOwner("u-nobody"), 0);
    await store.updateRecording("a", { purgedAt: new Date(T0 + DAY), storageKey: null });
    assert.equal(await store.storedBytesForOwner(ALICE_ID), 2807);
  },
  "countUnlistenedVoicemail counts the owner's unread voicemail that is not deleted": async (
    store,
  ) => {
    await insertAll(store, [
      voicemail("v1", 1, BOB),
      voicemail("v2", 2, BOB, { status: "archived" }),
      voicemail("v3", 3, BOB, { isListened: true }),
      voicemail("v4", 4, BOB, { status: "deleted", deletedAt: new Date(T0) }),
      recording("c1", 5),
      voicemail("v5", 6, BOB, { ownerUserId: BOB_ID }),
    ]);
    assert.equal(await store.countUnlistenedVoicemail(ALICE_ID), 2);
    assert.equal(await store.countUnlistenedVoicemail(BOB_ID), 1);
    assert.equal(await store.countUnlistenedVoicemail("u-nobody"), 0);
    await store.updateRecording("v1", { isListened: true });
    assert.equal(await store.countUnlistenedVoicemail(ALICE_ID), 1);
  },
  "listPurgeCandidates: deleted past the grace, archived or active past their time, oldest first":
    async (
      store,
    ) => {
      await insertAll(store, [
        aged("p1", 20, { status: "deleted", deletedAt: ago(10) }),
        aged("p2", 20, { status: "deleted", deletedAt: ago(2) }),
        aged("p3", 40),
        aged("p4", 10),
        aged("p5", 90, { status: "archived", archivedAt: ago(80) }),
        aged("p6", 90, {
          status: "deleted",
          deletedAt: ago(50),
          purgedAt: ago(40),
          storageKey: null,
        }),
        aged("p7", 60, { ownerUserId: BOB_ID }),
        aged("p8", 70, { status: "error" }),
        aged("p9", 70, { status: "processing" }),
        aged("p10", 35, { status: "active", purgedAt: ago(1) }),
      ]);
      const far = ago(365);
      const candidates = (limit: number, archivedBefore = far) =>
        store.listPurgeCandidates({
          deletedBefore: ago(7),
          archivedBefore,
          recordedBefore: ago(30),
          limit,
        });
      assert.deepEqual(ids(await candidates(10)), ["p7", "p3", "p1"]);
      assert.deepEqual(ids(await candidates(2)), ["p7", "p3"]);
      assert.deepEqual(await candidates(0), []);
      // An archived one past its archive period joins them, in recording order.
      assert.deepEqual(ids(await candidates(10, ago(30))), ["p5", "p7", "p3", "p1"]);
      // Bounds are exclusive.
      assert.deepEqual(
        ids(
          await store.listPurgeCandidates({
            deletedBefore: ago(10),
            archivedBefore: far,
            recordedBefore: ago(40),
            limit: 10,
          }),
        ),
        ["p7"],
      );
      // Pages continue after the last one seen.
      const [first] = await candidates(1);
      assert.deepEqual(
        ids(
          await store.listPurgeCandidates({
            deletedBefore: ago(7),
            archivedBefore: far,
            recordedBefore: ago(30),
            limit: 10,
            after: { recordedAt: first.recordedAt, id: first.id },
          }),
        ),
        ["p3", "p1"],
      );
      await store.updateRecording("p7", { purgedAt: new Date(NOW), storageKey: null });
      assert.deepEqual(ids(await candidates(10)), ["p3", "p1"]);
    },
  "listStalled: recording or processing, unchanged since before the time, oldest first": async (
    store,
  ) => {
    const at = (days: number) => ({ updatedAt: ago(days) });
    await insertAll(store, [
      recording("s1", 1, { status: "recording", ...at(2) }),
      recording("s2", 2, { status: "processing", ...at(3) }),
      recording("s3", 3, { status: "recording", ...at(0) }),
      recording("s4", 4, { status: "active", ...at(9) }),
      recording("s5", 5, { status: "error", ...at(9) }),
      recording("s6", 6, { status: "processing", ownerUserId: BOB_ID, ...at(1) }),
    ]);
    assert.deepEqual(ids(await store.listStalled(ago(0.5), 10)), ["s2", "s1", "s6"]);
    assert.deepEqual(ids(await store.listStalled(ago(0.5), 1)), ["s2"]);
    assert.deepEqual(ids(await store.listStalled(ago(1), 10)), ["s2", "s1"]);
    assert.deepEqual(await store.listStalled(ago(0.5), 0), []);
    // A change (the upload moving on) makes it fresh again, by the clock that made it.
    await store.updateRecording("s2", { durationSeconds: 61 });
    assert.deepEqual(ids(await store.listStalled(ago(0.5), 10)), ["s1", "s6"]);
    await store.updateRecording("s1", { durationSeconds: 62 }, ago(0.25));
    assert.deepEqual(ids(await store.listStalled(ago(0.5), 10)), ["s6"]);
    assert.deepEqual(ids(await store.listStalled(ago(0.2), 10)), ["s6", "s1"]);
  },
});

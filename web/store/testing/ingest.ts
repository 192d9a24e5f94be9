/** The behaviour every IngestStore must have. */
import assert from "node:assert/strict";
import { defineContract } from "../../testing/contract.ts";
import type { CallStore } from "../calls.ts";
import type { EventWrite, IngestStore } from "../ingest.ts";
import type { RecordingStore } from "../recordings.ts";
import { call } from "./calls.ts";
import { ALICE_ID, recording } from "./recording-fixtures.ts";

const AT = new Date("2026-03-01T09:00:00Z");

/** What the ingest contract reads back through. */
type IngestSubject = IngestStore & Pick<CallStore, "getCallForUser"> & RecordingStore;

const ALICE: [string, string, string] = [ALICE_ID, "care4w-1000001", "Alice"];
const BOB: [string, string, string] = ["u-bob", "care4w-1000002", "Bob"];

/** Runs the ingest contract against one implementation. */
export const ingestStoreContract = defineContract<IngestSubject>("ingest store", {
  "an event is marked applied once; a redelivery is recognised": async (store) => {
    assert.equal(await store.isEventApplied("e1"), false);
    assert.equal(await store.markEventApplied("e1", "recording.uploaded", AT), true);
    assert.equal(await store.isEventApplied("e1"), true);
    assert.equal(await store.markEventApplied("e1", "recording.uploaded", AT), false);
    // The id alone decides: the same id under another type is still the same event.
    assert.equal(await store.markEventApplied("e1", "call.ended", AT), false);
    assert.equal(await store.isEventApplied("e2"), false);
    assert.equal(await store.markEventApplied("e2", "call.ended", AT), true);
  },
  "of concurrent deliveries of one event exactly one marks it": async (store) => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.markEventApplied("e-race", "call.ended", AT)),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await store.isEventApplied("e-race"), true);
  },
  "a batch applies each event once with its writes; a redelivered batch writes nothing": async (
    store,
  ) => {
    const writes: EventWrite[] = [
      { id: "ev-call", type: "cdr", at: AT, call: call("c-1", ALICE, BOB, 1) },
      { id: "ev-rec", type: "recording", at: AT, recording: recording("r-1", 1) },
      { id: "ev-call", type: "cdr", at: AT, call: call("c-1", ALICE, BOB, 1) },
    ];
    assert.deepEqual(await store.applyEvents(writes), ["applied", "applied", "duplicate"]);
    assert.equal((await store.getCallForUser("c-1", "u-bob"))?.calleeName, "Bob");
    assert.equal((await store.getRecording("r-1"))?.ownerUserId, ALICE_ID);
    assert.equal(await store.isEventApplied("ev-rec"), true);
    // Marked one by one earlier, or in a batch: a redelivery is the same duplicate.
    await store.markEventApplied("ev-old", "cdr", AT);
    const again = [...writes, {
      id: "ev-old",
      type: "cdr",
      at: AT,
      call: call("c-2", ALICE, BOB, 2),
    }];
    assert.deepEqual(await store.applyEvents(again), Array(4).fill("duplicate"));
    assert.equal(await store.getCallForUser("c-2", ALICE_ID), null, "a duplicate writes nothing");
    assert.deepEqual(await store.applyEvents([]), []);
  },
});

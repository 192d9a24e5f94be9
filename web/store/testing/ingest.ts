/** The behaviour every IngestStore must have. */
import assert from "node:assert/strict";
import { defineContract } from "../../testing/contract.ts";
import type { IngestStore } from "../ingest.ts";

const AT = new Date("2026-03-01T09:00:00Z");

/** Runs the ingest contract against one implementation. */
export const ingestStoreContract = defineContract<IngestStore>("ingest store", {
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
});

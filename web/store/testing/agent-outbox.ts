/** The behaviour every AgentOutboxStore must have. */
import assert from "node:assert/strict";
import { defineContract } from "../../testing/contract.ts";
import type { AgentOutboxStore } from "../agent-outbox.ts";

const T0 = new Date("2026-03-01T09:00:00Z").getTime();

/** Runs the agent outbox contract against one implementation. */
export const agentOutboxStoreContract = defineContract<AgentOutboxStore>("agent outbox store", {
  "the agent outbox versions each change and clears only the version delivered": async (store) => {
    assert.deepEqual(await store.listAgentSync(10), []);
    assert.equal(await store.queueAgentSync("care4w-1000002", new Date(T0 + 5)), 1);
    assert.equal(await store.queueAgentSync("care4w-1000001", new Date(T0)), 1);
    // A second change to the same user bumps the version and keeps its place in the queue.
    assert.equal(await store.queueAgentSync("care4w-1000002", new Date(T0 + 9)), 2);
    assert.deepEqual(await store.listAgentSync(10), [
      { care4wId: "care4w-1000001", version: 1, queuedAt: new Date(T0) },
      { care4wId: "care4w-1000002", version: 2, queuedAt: new Date(T0 + 5) },
    ]);
    assert.deepEqual((await store.listAgentSync(1)).map((e) => e.care4wId), ["care4w-1000001"]);
    assert.deepEqual(await store.listAgentSync(0), []);
    // Delivering version 1 must not clear the newer version 2.
    assert.equal(await store.clearAgentSync("care4w-1000002", 1), false);
    assert.equal(await store.clearAgentSync("care4w-1000002", 2), true);
    assert.equal(await store.clearAgentSync("care4w-1000002", 2), false);
    assert.deepEqual((await store.listAgentSync(10)).map((e) => e.care4wId), ["care4w-1000001"]);
  },
});

/**
 * The contract every hub implementation passes. Each check gets two hubs that share one backend
 * (for the memory hub: the same object twice; for Redis: two instances with their own
 * connections), so every rule is checked across instances as well as within one.
 */
import assert from "node:assert/strict";
import { eventually as waitFor } from "../../../testing/eventually.ts";
import { defineContract } from "../../testing/contract.ts";
import type { Hub, HubMessage } from "../hub.ts";

/** Two hubs sharing a backend. */
export type HubPair = [Hub, Hub];

/** Collects what one connection receives. */
export function inbox() {
  const received: HubMessage[] = [];
  return { received, deliver: (m: HubMessage) => void received.push(m) };
}

/** Waits until `check` passes: cross-instance delivery is asynchronous. */
export const eventually = (check: () => void | Promise<void>) =>
  waitFor("hub delivery", check, { timeoutMs: 2000, intervalMs: 5 });

/** Lets in-flight cross-instance deliveries land before asserting that something did not arrive. */
export const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers the hub contract for one implementation. */
export const hubContract = defineContract<HubPair>("signaling hub", {
  "publish reaches every tab of a user on every instance": async ([h0, h1]) => {
    const [a1, a2, b] = [inbox(), inbox(), inbox()];
    await h0.register("alice", "a1", a1.deliver);
    await h1.register("alice", "a2", a2.deliver);
    await h1.register("bob", "b1", b.deliver);
    await h0.publish("alice", { n: 1 });
    await h1.publish("alice", { n: 2 });
    await eventually(() => {
      assert.deepEqual(a1.received, [{ n: 1 }, { n: 2 }]);
      assert.deepEqual(a2.received, [{ n: 1 }, { n: 2 }]);
    });
    await settle();
    assert.deepEqual(b.received, []);
  },
  "publish can skip one connection": async ([h0, h1]) => {
    const [a1, a2, a3] = [inbox(), inbox(), inbox()];
    await h0.register("alice", "a1", a1.deliver);
    await h1.register("alice", "a2", a2.deliver);
    await h0.register("alice", "a3", a3.deliver);
    await h1.publish("alice", { skip: "a1" }, { exceptConnectionId: "a1" });
    await eventually(() => {
      assert.equal(a2.received.length, 1);
      assert.equal(a3.received.length, 1);
    });
    await settle();
    assert.deepEqual(a1.received, []);
  },
  "publishToConnection reaches only that connection, wherever it is": async ([h0, h1]) => {
    const [a1, a2] = [inbox(), inbox()];
    await h0.register("alice", "a1", a1.deliver);
    await h1.register("alice", "a2", a2.deliver);
    await h0.publishToConnection("a2", { only: "a2" });
    await h1.publishToConnection("a1", { only: "a1" });
    await eventually(() => {
      assert.deepEqual(a1.received, [{ only: "a1" }]);
      assert.deepEqual(a2.received, [{ only: "a2" }]);
    });
  },
  "presence counts connections across instances and drops on unregister": async ([h0, h1]) => {
    assert.equal(await h0.isOnline("alice"), false);
    const off1 = await h0.register("alice", "a1", inbox().deliver);
    const off2 = await h1.register("alice", "a2", inbox().deliver);
    assert.equal(await h0.connectionCount("alice"), 2);
    assert.equal(await h1.connectionCount("alice"), 2);
    assert.equal(await h1.isOnline("alice"), true);
    await off1();
    assert.equal(await h1.connectionCount("alice"), 1);
    await off2();
    assert.equal(await h0.isOnline("alice"), false);
    assert.equal(await h0.connectionCount("alice"), 0);
  },
  "an unregistered connection receives nothing": async ([h0, h1]) => {
    const [a1, a2] = [inbox(), inbox()];
    const off = await h0.register("alice", "a1", a1.deliver);
    await h0.register("alice", "a2", a2.deliver);
    await off();
    await h1.publish("alice", { n: 1 });
    await h1.publishToConnection("a1", { n: 2 });
    await eventually(() => assert.equal(a2.received.length, 1));
    await settle();
    assert.deepEqual(a1.received, []);
  },
  "publishing to nobody is a no-op": async ([h0]) => {
    await h0.publish("nobody", { n: 1 });
    await h0.publishToConnection("no-such-connection", { n: 1 });
  },
  "a throwing connection does not starve the others": async ([h0, h1]) => {
    const good = inbox();
    await h0.register("alice", "bad", () => {
      throw new Error("socket closed");
    });
    await h0.register("alice", "good", good.deliver);
    await h1.publish("alice", { n: 1 });
    await eventually(() => assert.deepEqual(good.received, [{ n: 1 }]));
  },
  "messages arrive in publish order": async ([h0, h1]) => {
    const a = inbox();
    await h1.register("alice", "a1", a.deliver);
    for (let n = 0; n < 50; n++) await h0.publish("alice", { n });
    const expected = Array.from({ length: 50 }, (_, n) => ({ n }));
    await eventually(() => assert.deepEqual(a.received, expected));
  },
  "re-registering a connection id moves it": async ([h0, h1]) => {
    const [old, fresh] = [inbox(), inbox()];
    await h0.register("alice", "tab", old.deliver);
    await h0.register("alice", "tab", fresh.deliver);
    await h1.publishToConnection("tab", { n: 1 });
    await eventually(() => assert.deepEqual(fresh.received, [{ n: 1 }]));
    await settle();
    assert.deepEqual(old.received, []);
    assert.equal(await h1.connectionCount("alice"), 1);
  },
});

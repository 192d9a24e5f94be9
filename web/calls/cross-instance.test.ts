/**
 * Two web instances: Ann's tab is held by instance A, Bob has a tab on each instance. The call's
 * state lives on A; everything Bob's tab on B says crosses the hub. Run over two Redis hubs (two
 * separate Redis connections, as two processes would have) and over two services sharing one
 * memory hub (the same routing, without Redis).
 */
import assert from "node:assert/strict";
import type { ServerMessage } from "../../shared/signal.ts";
import { eventually, settle } from "../signal/testing/hub-contract.ts";
import type { Hub } from "../signal/hub.ts";
import { createMemoryHub } from "../signal/memory-hub.ts";
import { createRedisHub } from "../signal/redis-hub.ts";
import { startRedis } from "../../testing/redis.ts";
import { createCallService } from "./service.ts";
import {
  annFrom,
  bobFrom,
  candidate,
  lookupUser,
  newCallId,
  openTab,
  recorder,
  sdp,
  users,
} from "./testing/kit.ts";

const { ann, bob, cat } = users;
const types = (frames: ServerMessage[]) =>
  frames.map((f) => f.type === "error" ? `error:${f.code}` : f.type);

async function crossInstanceCall(hubA: Hub, hubB: Hub) {
  const { records, recordCall } = recorder();
  // Call waiting off: a user on a call is busy, which every instance must see alike.
  const noWaiting = (care4wId: string) => {
    const found = lookupUser(care4wId);
    return found && { ...found, callWaiting: false };
  };
  const options = { recordCall, lookupUser: noWaiting, ringTimeoutMs: 5000, graceMs: 100 };
  const instanceA = createCallService({ ...options, hub: hubA });
  const instanceB = createCallService({ ...options, hub: hubB });
  try {
    const a = await openTab(instanceA, ann, "ann-on-A");
    const bOnB = await openTab(instanceB, bob, "bob-on-B");
    const bOnA = await openTab(instanceA, bob, "bob-on-A");
    const cOnB = await openTab(instanceB, cat, "cat-on-B");
    const callId = newCallId();

    await a.send({ type: "invite", callId, to: bob.care4wId });
    await eventually(() => {
      assert.deepEqual(bOnB.frames, [{ type: "invite", callId, from: annFrom }]);
      assert.deepEqual(bOnA.frames, [{ type: "invite", callId, from: annFrom }]);
    });
    bOnB.take();
    bOnA.take();

    await bOnB.send({ type: "ringing", callId });
    await bOnB.send({ type: "accept", callId, from: annFrom });
    await eventually(() => {
      assert.deepEqual(a.frames, [
        { type: "ringing", callId, from: bobFrom },
        { type: "accept", callId, from: bobFrom },
      ]);
      assert.deepEqual(bOnA.frames, [
        { type: "cancel", callId, from: annFrom, reason: "answered-elsewhere" },
      ]);
    });
    a.take();
    bOnA.take();

    await a.send({ type: "offer", callId, sdp });
    await bOnB.send({ type: "answer", callId, sdp });
    await bOnB.send({ type: "candidate", callId, candidate });
    await eventually(() => {
      assert.deepEqual(types(bOnB.frames), ["offer"]);
      assert.deepEqual(types(a.frames), ["answer", "candidate"]);
    });
    a.take();
    bOnB.take();

    // A stranger on instance B cannot touch the call.
    await cOnB.send({ type: "hangup", callId });
    await eventually(() => assert.deepEqual(types(cOnB.frames), ["error:not_in_call"]));

    await a.send({ type: "hangup", callId });
    await eventually(() => {
      assert.deepEqual(bOnB.frames, [{ type: "hangup", callId, from: annFrom, reason: "hangup" }]);
    });
    await bOnB.send({ type: "hangup", callId });
    await eventually(() => assert.deepEqual(types(bOnB.frames), ["hangup", "error:unknown_call"]));
    await settle();
    assert.deepEqual(types(a.frames), []);
    assert.deepEqual(types(bOnA.frames), []);
    assert.deepEqual(records.map((r) => [r.id, r.status, r.callerUserId, r.calleeUserId]), [
      [callId, "completed", ann.userId, bob.userId],
    ]);

    // Busy is seen across instances; a vanished callee tab on B ends a call owned by A.
    const second = newCallId();
    bOnB.take();
    await a.send({ type: "invite", callId: second, to: bob.care4wId });
    await eventually(() => assert.deepEqual(types(bOnB.frames), ["invite"]));
    await cOnB.send({ type: "invite", callId: newCallId(), to: bob.care4wId });
    await eventually(() => assert.deepEqual(cOnB.frames.at(-1)?.type, "ended"));
    await bOnB.send({ type: "accept", callId: second });
    await eventually(() => assert.deepEqual(types(a.frames).at(-1), "accept"));
    await bOnB.close();
    await eventually(() =>
      assert.deepEqual(a.frames.at(-1), { type: "ended", callId: second, reason: "failed" })
    );
    assert.deepEqual(records.map((r) => r.status), ["completed", "missed", "completed"]);
  } finally {
    await instanceA.close();
    await instanceB.close();
  }
}

Deno.test("a call crosses two instances joined by Redis", async () => {
  const redis = await startRedis();
  try {
    const hubA = await createRedisHub({ url: redis.url, prefix: "x:" });
    const hubB = await createRedisHub({ url: redis.url, prefix: "x:" });
    try {
      await crossInstanceCall(hubA, hubB);
    } finally {
      await Promise.all([hubA.close(), hubB.close()]);
    }
  } finally {
    await redis.stop();
  }
});

Deno.test("the same routing works for two services on one memory hub", async () => {
  const hub = createMemoryHub();
  await crossInstanceCall(hub, hub);
});

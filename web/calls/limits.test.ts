import assert from "node:assert/strict";
import type { ServerMessage } from "../../shared/signal.ts";
import { answered, newCallId, openTab, ringing, setup, users } from "./testing/kit.ts";

const { ann, bob, cat, dan } = users;

const codes = (frames: ServerMessage[]) => frames.map((f) => f.type === "error" ? f.code : f.type);

Deno.test("with call waiting off, a user on a call is busy: the record says missed", async () => {
  const { service, records, a, b1 } = await answered({
    lookupUser: (id) => {
      const found = Object.values(users).find((u) => u.care4wId === id);
      return found ? { ...found, callWaiting: false } : null;
    },
  });
  const c = await openTab(service, cat, "cat-1");
  const callId = newCallId();
  await c.send({ type: "invite", callId, to: bob.care4wId });
  assert.deepEqual(c.take(), [{ type: "ended", callId, reason: "busy" }]);
  assert.deepEqual(b1.take(), [], "call waiting off: the busy callee is not disturbed");
  // The caller of a ringing or answered call is busy too.
  await c.send({ type: "invite", callId: newCallId(), to: ann.care4wId });
  assert.equal(codes(c.take())[0], "ended");
  assert.deepEqual(records.map((r) => [r.status, r.callerUserId, r.calleeUserId]), [
    ["missed", cat.userId, bob.userId],
    ["missed", cat.userId, ann.userId],
  ]);
  assert.deepEqual(a.take(), []);
  assert.equal(service.activeCalls(), 1);
});

Deno.test("a user on a call cannot start another one", async () => {
  const { service, a } = await answered();
  await openTab(service, cat, "cat-1");
  await a.send({ type: "invite", callId: newCallId(), to: cat.care4wId });
  assert.deepEqual(codes(a.take()), ["in_call"]);
  const annOther = await openTab(service, ann, "ann-2");
  await annOther.send({ type: "invite", callId: newCallId(), to: cat.care4wId });
  assert.deepEqual(codes(annOther.take()), ["in_call"]);
});

Deno.test("unknown callee, calling yourself and a reused call id are refused", async () => {
  const { service, a, callId, records } = await ringing();
  await a.send({ type: "invite", callId: newCallId(), to: "care4w-9999999" });
  await a.send({ type: "invite", callId: newCallId(), to: ann.care4wId });
  const c = await openTab(service, cat, "cat-1");
  await c.send({ type: "invite", callId, to: ann.care4wId });
  assert.deepEqual(codes(a.take()), ["unknown_user", "self_call"]);
  assert.deepEqual(codes(c.take()), ["duplicate_call"]);
  assert.equal(records.length, 0);
});

Deno.test("the caller's tab vanishing while ringing fails the call after the grace period", async () => {
  const { a, b1, b2, callId, records, advance, service } = await ringing();
  b1.take();
  b2.take();
  await a.close();
  await advance(199);
  assert.deepEqual(b1.take(), []);
  await advance(1);
  const failed = { type: "ended", callId, reason: "failed" };
  assert.deepEqual(b1.take(), [failed]);
  assert.deepEqual(b2.take(), [failed]);
  assert.deepEqual(records.map((r) => r.status), ["failed"]);
  assert.equal(service.activeCalls(), 0);
});

Deno.test("the answering tab vanishing completes the call, ending when it left", async () => {
  const { a, b1, callId, records, advance, clock } = await answered();
  await advance(2500);
  const goneAt = clock.now();
  await b1.close();
  await advance(200);
  assert.deepEqual(a.take(), [{ type: "ended", callId, reason: "failed" }]);
  assert.equal(records.length, 1);
  assert.equal(records[0].status, "completed");
  assert.equal(records[0].durationSeconds, 2);
  assert.deepEqual(records[0].endedAt, goneAt);
  assert.equal(clock.pending, 0);
});

Deno.test("a ringing callee tab closing ends nothing; the others keep ringing", async () => {
  const { a, b1, b2, callId, records, advance } = await ringing();
  await b2.close();
  await advance(500);
  assert.equal(records.length, 0);
  await b1.send({ type: "accept", callId });
  assert.equal(a.take().at(-1)?.type, "accept");
});

Deno.test("a tab that reconnects with its id within the grace period keeps its call", async () => {
  const { a, b1, callId, records, advance, service } = await answered();
  await b1.close();
  await advance(100);
  const back = await openTab(service, bob, "bob-1");
  await advance(500);
  assert.equal(records.length, 0);
  await a.send({ type: "hold", callId });
  assert.deepEqual(codes(back.take()), ["hold"]);
  await back.send({ type: "hangup", callId });
  assert.deepEqual(codes(a.take()), ["hangup"]);
  assert.deepEqual(records.map((r) => r.status), ["completed"]);
  assert.deepEqual(b1.frames, []);
});

Deno.test("at most 100 call attempts per user per minute", async () => {
  // The callee's own limit is lifted here: this is about the caller's.
  const { service, advance, records } = setup({ ringsPerCalleePerMinute: 1000 });
  const a = await openTab(service, ann, "ann-1");
  for (let i = 0; i < 100; i++) {
    await a.send({ type: "invite", callId: newCallId(), to: bob.care4wId });
  }
  assert.equal(records.length, 100, "each attempt to an offline user is recorded unavailable");
  a.take();
  await a.send({ type: "invite", callId: newCallId(), to: bob.care4wId });
  assert.deepEqual(codes(a.take()), ["rate_limited"]);
  // Another user is not affected.
  const c = await openTab(service, cat, "cat-1");
  await c.send({ type: "invite", callId: newCallId(), to: bob.care4wId });
  assert.deepEqual(codes(c.take()), ["ended"]);
  await advance(60_000);
  await a.send({ type: "invite", callId: newCallId(), to: bob.care4wId });
  assert.deepEqual(codes(a.take()), ["ended"]);
  assert.equal(records.length, 102);
});

Deno.test("the concurrent call cap refuses new calls until one ends", async () => {
  const { a, callId, service } = await ringing({ maxConcurrentCalls: 1 });
  const c = await openTab(service, cat, "cat-1");
  await openTab(service, dan, "dan-1");
  await c.send({ type: "invite", callId: newCallId(), to: dan.care4wId });
  assert.deepEqual(codes(c.take()), ["capacity"]);
  await a.send({ type: "cancel", callId });
  await c.send({ type: "invite", callId: newCallId(), to: dan.care4wId });
  assert.deepEqual(c.take(), []);
  assert.equal(service.activeCalls(), 1);
});

Deno.test("closing the service ends and records the calls it holds", async () => {
  const { b1, b2, callId, records, service, clock } = await ringing();
  b1.take();
  b2.take();
  await service.close();
  assert.deepEqual(b1.take(), [{ type: "ended", callId, reason: "failed" }]);
  assert.deepEqual(records.map((r) => r.status), ["failed"]);
  assert.equal(clock.pending, 0);
});

Deno.test("a failing store is reported, not thrown at the tab", async () => {
  const errors: unknown[] = [];
  const { a, b1, callId } = await answered({
    recordCall: () => Promise.reject(new Error("disk full")),
    onError: (e) => void errors.push(e),
  });
  await a.send({ type: "hangup", callId });
  assert.deepEqual(codes(b1.take()), ["hangup"]);
  assert.equal(errors.length, 1);
});

Deno.test("an open connection id cannot be taken over", async () => {
  const { service } = setup();
  await openTab(service, ann, "tab-1");
  await assert.rejects(openTab(service, cat, "tab-1"), /already open/);
});

Deno.test("a finished call's id cannot start a new call: every call that rang is recorded once", async () => {
  const { service, a, b1, callId, records } = await answered();
  await a.send({ type: "hangup", callId });
  assert.equal(records.length, 1);
  a.take();
  b1.take();
  // The same browser-chosen id again, from the caller and from someone else.
  await a.send({ type: "invite", callId, to: bob.care4wId });
  const c = await openTab(service, cat, "cat-1");
  await c.send({ type: "invite", callId, to: bob.care4wId });
  assert.deepEqual(codes(a.take()), ["duplicate_call"]);
  assert.deepEqual(codes(c.take()), ["duplicate_call"]);
  assert.deepEqual(b1.take(), [], "nothing rang");
  assert.equal(records.length, 1);
  // A fresh id rings and is recorded once more.
  const fresh = newCallId();
  await a.send({ type: "invite", callId: fresh, to: bob.care4wId });
  assert.equal(b1.take()[0]?.type, "invite");
});

Deno.test("a callee is rung at most 30 times a minute, whoever calls: no flood of entries", async () => {
  const { service, advance, records } = setup();
  const callers = [await openTab(service, ann, "ann-1"), await openTab(service, cat, "cat-1")];
  for (let i = 0; i < 30; i++) {
    await callers[i % 2].send({ type: "invite", callId: newCallId(), to: bob.care4wId });
  }
  for (const tab of callers) tab.take();
  assert.equal(records.length, 30, "Bob is offline: each ring is an unavailable entry");
  for (const tab of callers) {
    await tab.send({ type: "invite", callId: newCallId(), to: bob.care4wId });
    assert.deepEqual(codes(tab.take()), ["rate_limited"]);
  }
  assert.equal(records.length, 30, "refused rings leave nothing in anyone's history");
  // Others are still reachable, and Bob again after the minute.
  await callers[0].send({ type: "invite", callId: newCallId(), to: dan.care4wId });
  assert.deepEqual(codes(callers[0].take()), ["ended"]);
  await advance(60_000);
  await callers[1].send({ type: "invite", callId: newCallId(), to: bob.care4wId });
  assert.deepEqual(codes(callers[1].take()), ["ended"]);
});

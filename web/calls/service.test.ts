import assert from "node:assert/strict";
import {
  annFrom,
  answered,
  bobFrom,
  candidate,
  newCallId,
  openTab,
  ringing,
  sdp,
  setup,
  users,
} from "./testing/kit.ts";

const { ann, bob, cat } = users;

Deno.test("a tab is told it is online when it connects", async () => {
  const { service } = setup();
  const frames: unknown[] = [];
  await service.connect(ann, "ann-1", (f) => void frames.push(f));
  await service.connect(ann, "ann-2", (f) => void frames.push(f));
  assert.deepEqual(frames, [
    { type: "presence", ...annFrom, online: true, connections: 1 },
    { type: "presence", ...annFrom, online: true, connections: 2 },
  ]);
});

Deno.test("a full call rings every tab, relays only between the parties, records once", async () => {
  const { a, b1, b2, callId, clock, records, service, advance } = await ringing();
  const invite = { type: "invite", callId, from: annFrom };
  assert.deepEqual(b1.take(), [invite]);
  assert.deepEqual(b2.take(), [invite]);

  await b1.send({ type: "ringing", callId });
  await b2.send({ type: "ringing", callId });
  assert.deepEqual(a.take(), [{ type: "ringing", callId, from: bobFrom }]);

  await advance(500);
  await b1.send({ type: "accept", callId });
  assert.deepEqual(a.take(), [{ type: "accept", callId, from: bobFrom }]);
  assert.deepEqual(b2.take(), [{
    type: "cancel",
    callId,
    from: annFrom,
    reason: "answered-elsewhere",
  }]);
  assert.deepEqual(b1.take(), []);

  await a.send({ type: "offer", callId, sdp });
  await a.send({ type: "candidate", callId, candidate });
  assert.deepEqual(b1.take(), [
    { type: "offer", callId, from: annFrom, sdp },
    { type: "candidate", callId, from: annFrom, candidate },
  ]);
  await b1.send({ type: "answer", callId, sdp });
  await b1.send({ type: "candidate", callId, candidate });
  await a.send({ type: "hold", callId });
  await a.send({ type: "unhold", callId });
  assert.deepEqual(a.take(), [
    { type: "answer", callId, from: bobFrom, sdp },
    { type: "candidate", callId, from: bobFrom, candidate },
  ]);
  assert.deepEqual(b1.take(), [
    { type: "hold", callId, from: annFrom },
    { type: "unhold", callId, from: annFrom },
  ]);
  assert.deepEqual(b2.take(), [], "the tab that did not answer hears nothing more");

  // The ring timeout no longer applies once answered.
  await advance(3700);
  await a.send({ type: "hangup", callId });
  assert.deepEqual(b1.take(), [{ type: "hangup", callId, from: annFrom, reason: "hangup" }]);
  await a.send({ type: "hangup", callId });
  await b1.send({ type: "hangup", callId });
  assert.equal(a.take()[0].type, "error");
  assert.deepEqual(b1.take(), [{
    type: "error",
    code: "unknown_call",
    message: "no such call",
    callId,
  }]);

  assert.equal(records.length, 1);
  const [record] = records;
  assert.equal(record.id, callId);
  assert.equal(record.status, "completed");
  assert.equal(record.mode, "webrtc");
  assert.equal(record.callerUserId, ann.userId);
  assert.equal(record.calleeCare4wId, bob.care4wId);
  assert.equal(record.calleeName, bob.displayName);
  assert.equal(record.durationSeconds, 3);
  assert.equal(record.endedAt.getTime() - record.startedAt.getTime(), 4200);
  assert.equal(service.activeCalls(), 0);
  assert.equal(clock.pending, 0);
});

Deno.test("a message for a call the sender is not part of is dropped with an error", async () => {
  const { a, b1, b2, callId, records, service } = await answered();
  const c = await openTab(service, cat, "cat-1");
  const annOther = await openTab(service, ann, "ann-2");
  for (const type of ["hangup", "hold", "accept"] as const) await c.send({ type, callId });
  await c.send({ type: "offer", callId, sdp });
  // Another tab of the caller, and the callee tab that did not answer, are not parties either.
  await annOther.send({ type: "hangup", callId });
  await b2.send({ type: "offer", callId, sdp });
  for (const tab of [c, annOther, b2]) {
    const frames = tab.take();
    assert.ok(frames.length > 0);
    for (const frame of frames) {
      assert.deepEqual(frame.type === "error" && frame.code, "not_in_call");
    }
  }
  assert.deepEqual(a.take(), []);
  assert.deepEqual(b1.take(), []);
  assert.equal(records.length, 0);
  assert.equal(service.activeCalls(), 1);
});

Deno.test("a spoofed from is ignored: the server names the real sender", async () => {
  const { a, b1, callId } = await ringing();
  const invite = b1.take()[0];
  assert.ok(invite.type === "invite");
  await b1.send({ type: "accept", callId, from: { care4wId: cat.care4wId, displayName: "Cat" } });
  assert.deepEqual(a.take(), [{ type: "accept", callId, from: bobFrom }]);

  const { service } = setup();
  const c = await openTab(service, cat, "cat-1");
  const b = await openTab(service, bob, "bob-1");
  const other = newCallId();
  await c.send({ type: "invite", callId: other, to: bob.care4wId, from: annFrom });
  assert.deepEqual(b.take(), [{
    type: "invite",
    callId: other,
    from: { care4wId: cat.care4wId, displayName: cat.displayName },
  }]);
});

Deno.test("invalid frames get an error frame and change nothing", async () => {
  const { a, b1, callId, service } = await answered();
  await service.receive("ann-1", "{not json");
  await service.receive("ann-1", { type: "hangup", callId: "nope" });
  await service.receive("ann-1", { type: "offer", callId, sdp: "x".repeat(30_000) });
  const errors = a.take();
  assert.equal(errors.length, 3);
  for (const e of errors) assert.ok(e.type === "error" && e.code === "invalid_message");
  assert.deepEqual(b1.take(), []);
  assert.equal(service.activeCalls(), 1);
  await service.receive("no-such-tab", { type: "hangup", callId });
  assert.equal(service.activeCalls(), 1);
});

Deno.test("callee not connected: unavailable at once", async () => {
  const { service, records, clock } = setup();
  const a = await openTab(service, ann, "ann-1");
  const callId = newCallId();
  await a.send({ type: "invite", callId, to: bob.care4wId });
  assert.deepEqual(a.take(), [{ type: "ended", callId, reason: "unavailable" }]);
  assert.equal(records.length, 1);
  assert.equal(records[0].status, "unavailable");
  assert.equal(records[0].durationSeconds, 0);
  assert.equal(service.activeCalls(), 0);
  assert.equal(clock.pending, 0);
});

Deno.test("no answer within the ring timeout: missed for both", async () => {
  const { a, b1, b2, callId, records, advance } = await ringing();
  b1.take();
  b2.take();
  await advance(999);
  assert.equal(records.length, 0);
  await advance(1);
  const missed = { type: "ended", callId, reason: "missed" };
  assert.deepEqual(a.take(), [missed]);
  assert.deepEqual(b1.take(), [missed]);
  assert.deepEqual(b2.take(), [missed]);
  assert.deepEqual(records.map((r) => [r.status, r.answeredAt, r.durationSeconds]), [[
    "missed",
    null,
    0,
  ]]);
});

Deno.test("decline: the caller hears declined and the other tabs stop ringing", async () => {
  const { a, b1, b2, callId, records, clock } = await ringing();
  b2.take();
  await b1.send({ type: "reject", callId });
  assert.deepEqual(a.take(), [{ type: "reject", callId, from: bobFrom, reason: "declined" }]);
  assert.deepEqual(b2.take(), [{ type: "cancel", callId, from: annFrom, reason: "declined" }]);
  assert.deepEqual(records.map((r) => r.status), ["declined"]);
  assert.equal(clock.pending, 0);
});

Deno.test("the caller cancels while ringing: cancelled", async () => {
  const { a, b1, b2, callId, records } = await ringing();
  b1.take();
  b2.take();
  await a.send({ type: "cancel", callId });
  const cancel = { type: "cancel", callId, from: annFrom, reason: "cancelled" };
  assert.deepEqual(b1.take(), [cancel]);
  assert.deepEqual(b2.take(), [cancel]);
  await b1.send({ type: "accept", callId });
  assert.equal(b1.take()[0].type, "error");
  assert.deepEqual(records.map((r) => r.status), ["cancelled"]);
});

Deno.test("media and hold before the answer are refused", async () => {
  const { a, b1, callId } = await ringing();
  b1.take();
  await a.send({ type: "offer", callId, sdp });
  await a.send({ type: "hold", callId });
  await a.send({ type: "accept", callId });
  assert.deepEqual(a.take().map((f) => f.type === "error" && f.code), [
    "bad_state",
    "bad_state",
    "bad_state",
  ]);
  assert.deepEqual(b1.take(), []);
});

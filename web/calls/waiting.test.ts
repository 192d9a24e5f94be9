/**
 * Call waiting (issue 15): a second call to someone on a call rings them (their tab shows it
 * softly); they answer it (the first goes on hold, their tab's business), decline it, or send it
 * to voicemail (the caller hears busy and the record says missed). Each call keeps its one record.
 */
import assert from "node:assert/strict";
import { annFrom, answered, bobFrom, newCallId, openTab, users } from "./testing/kit.ts";

const { bob, cat } = users;
const catFrom = { care4wId: cat.care4wId, displayName: cat.displayName };

Deno.test("a second call rings a user on a call; both calls go on and end apart", async () => {
  const { service, records, a, b1, callId } = await answered();
  const c = await openTab(service, cat, "cat-1");
  const second = newCallId();
  await c.send({ type: "invite", callId: second, to: bob.care4wId });
  assert.deepEqual(b1.take(), [{ type: "invite", callId: second, from: catFrom }]);
  await b1.send({ type: "ringing", callId: second });
  await b1.send({ type: "hold", callId });
  await b1.send({ type: "accept", callId: second });
  assert.deepEqual(a.take(), [{ type: "hold", callId, from: bobFrom }]);
  assert.deepEqual(c.take(), [
    { type: "ringing", callId: second, from: bobFrom },
    { type: "accept", callId: second, from: bobFrom },
  ]);
  assert.equal(service.activeCalls(), 2);

  // The swap: back to Ann, Cat on hold; then each call ends on its own.
  await b1.send({ type: "hold", callId: second });
  await b1.send({ type: "unhold", callId });
  assert.deepEqual(c.take(), [{ type: "hold", callId: second, from: bobFrom }]);
  assert.deepEqual(a.take(), [{ type: "unhold", callId, from: bobFrom }]);
  await a.send({ type: "hangup", callId });
  await c.send({ type: "hangup", callId: second });
  assert.deepEqual(records.map((r) => [r.id, r.status]), [
    [callId, "completed"],
    [second, "completed"],
  ]);
  assert.equal(annFrom.care4wId, users.ann.care4wId);
});

Deno.test("a call waiting sent to voicemail: the caller hears busy, the record says missed", async () => {
  const { service, records, b1 } = await answered();
  const c = await openTab(service, cat, "cat-1");
  const second = newCallId();
  await c.send({ type: "invite", callId: second, to: bob.care4wId });
  b1.take();
  await b1.send({ type: "reject", callId: second, reason: "busy" });
  assert.deepEqual(c.take(), [{ type: "reject", callId: second, from: bobFrom, reason: "busy" }]);
  assert.deepEqual(records.map((r) => [r.status, r.callerUserId]), [["missed", cat.userId]]);
  // Declining another one is a plain decline.
  const third = newCallId();
  await c.send({ type: "invite", callId: third, to: bob.care4wId });
  b1.take();
  await b1.send({ type: "reject", callId: third });
  assert.deepEqual(records.map((r) => r.status), ["missed", "declined"]);
  assert.equal(service.activeCalls(), 1, "Bob's first call goes on");
});

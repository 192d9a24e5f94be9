import assert from "node:assert/strict";
import type { ServerMessage } from "../../shared/signal.ts";
import { createCallTickets } from "./tickets.ts";
import { annFrom, answered, bobFrom, newCallId, openTab, users } from "./testing/kit.ts";

const { ann, bob, cat } = users;
const catFrom = { care4wId: cat.care4wId, displayName: cat.displayName };
const tickets = () => createCallTickets("a test secret of enough length");

type Transfer = Extract<ServerMessage, { type: "transfer" }>;

Deno.test("a blind transfer: the transferee calls the colleague, the record names the transfer", async () => {
  const ctx = await answered({ tickets: tickets() });
  const { a, b1, callId, records, service } = ctx;
  const c = await openTab(service, cat, "cat-1");
  await b1.send({ type: "transfer", callId, to: cat.care4wId });

  assert.deepEqual(b1.take(), [{ type: "ended", callId, reason: "transferred" }]);
  const [frame] = a.take() as Transfer[];
  assert.equal(frame.type, "transfer");
  assert.deepEqual([frame.from, frame.to], [bobFrom, catFrom]);
  assert.equal(records.length, 1);
  assert.deepEqual([records[0].status, records[0].transferredTo], ["completed", catFrom]);

  // Bob is free again; Ann, handed over, invites Cat with the grant.
  const next = newCallId();
  await a.send({ type: "invite", callId: next, to: cat.care4wId, transfer: frame.grant });
  assert.deepEqual(c.take(), [{
    type: "invite",
    callId: next,
    from: annFrom,
    transferredBy: bobFrom,
  }]);
  await c.send({ type: "accept", callId: next });
  await c.send({ type: "hangup", callId: next });
  assert.equal(records.length, 2);
  assert.deepEqual(records[1].transferredBy, bobFrom);
  assert.equal(records[1].callerUserId, ann.userId);
});

Deno.test("a grant is only for the transferee, only to that colleague, and not a ticket", async () => {
  const ctx = await answered({ tickets: tickets() });
  const { a, b1, callId, service } = ctx;
  const c = await openTab(service, cat, "cat-1");
  const d = await openTab(service, users.dan, "dan-1");
  await b1.send({ type: "transfer", callId, to: cat.care4wId });
  const [frame] = a.take() as Transfer[];
  b1.take();

  // Bob presenting Ann's grant, Ann using it for Dan, a forged one: refused, nobody rings.
  for (
    const [tab, to, grant] of [
      [b1, cat.care4wId, frame.grant],
      [a, users.dan.care4wId, frame.grant],
      [a, cat.care4wId, `${frame.grant!.split(".")[0]}.forged`],
    ] as const
  ) {
    const attempt = newCallId();
    await tab.send({ type: "invite", callId: attempt, to, transfer: grant });
    const [reply] = tab.take();
    assert.equal(reply.type === "error" && reply.code, "bad_ticket", JSON.stringify(reply));
  }
  assert.deepEqual([c.take(), d.take()], [[], []]);
});

Deno.test("a transfer to someone who cannot take it keeps the call", async () => {
  const ctx = await answered({ tickets: tickets() });
  const { a, b1, callId, records } = ctx;
  const cases = [
    [users.dan.care4wId, "Dan Driver is not available right now"], // no tab open
    ["care4w-1999999", "no user care4w-1999999"],
    [ann.care4wId, "they are already in this call"],
  ] as const;
  for (const [to, why] of cases) {
    await b1.send({ type: "transfer", callId, to });
    const [reply] = b1.take();
    assert.equal(reply.type === "error" && reply.message, why);
  }
  assert.deepEqual(a.take(), [], "Ann hears nothing of it");
  assert.equal(records.length, 0);
  // The call goes on.
  await a.send({ type: "hold", callId });
  assert.deepEqual(b1.take(), [{ type: "hold", callId, from: annFrom }]);
});

Deno.test("only an answered call is transferred, only by one of its parties", async () => {
  const ctx = await answered({ tickets: tickets() });
  const { b2, callId, service } = ctx;
  await openTab(service, cat, "cat-1");
  await b2.send({ type: "transfer", callId, to: cat.care4wId });
  const [reply] = b2.take();
  assert.equal(reply.type === "error" && reply.code, "not_in_call");
  const intruder = await openTab(service, users.dan, "dan-1");
  await intruder.send({ type: "transfer", callId, to: cat.care4wId });
  assert.equal(intruder.take()[0].type, "error");
  assert.equal(bob.userId, "u-bob");
});

Deno.test("an attended transfer: ask the colleague first, then the new call replaces that one", async () => {
  const ctx = await answered({ tickets: tickets() });
  const { a, b1, callId, records, service } = ctx;
  const c = await openTab(service, cat, "cat-1");
  // Bob holds Ann and calls Cat to ask; only his tab in Ann's call may, and only once.
  await b1.send({ type: "hold", callId });
  const ask = newCallId();
  await b1.send({ type: "invite", callId: ask, to: cat.care4wId });
  assert.equal(b1.take()[0].type === "error", true, "no second call without `consult`");
  await b1.send({ type: "invite", callId: ask, to: cat.care4wId, consult: callId });
  await c.send({ type: "accept", callId: ask });
  const third = newCallId();
  await b1.send({ type: "invite", callId: third, to: users.dan.care4wId, consult: callId });
  assert.deepEqual(b1.take().map((f) => f.type === "error" ? f.code : f.type), [
    "accept",
    "ticket",
    "in_call",
  ]);
  c.take();
  a.take();

  await b1.send({ type: "transfer", callId, to: cat.care4wId, replaces: ask });
  const [frame] = a.take() as Transfer[];
  assert.equal(frame.type, "transfer");
  const next = newCallId();
  await a.send({ type: "invite", callId: next, to: cat.care4wId, transfer: frame.grant });
  assert.deepEqual(c.take(), [{
    type: "invite",
    callId: next,
    from: annFrom,
    transferredBy: bobFrom,
    replaces: ask,
  }]);
  await c.send({ type: "accept", callId: next });
  await c.send({ type: "hangup", callId: ask, reason: "transferred" });
  assert.deepEqual(b1.take().at(-1), {
    type: "hangup",
    callId: ask,
    from: catFrom,
    reason: "transferred",
  });
  await a.send({ type: "hangup", callId: next });
  assert.deepEqual(records.map((r) => [r.id, r.status, r.transferredTo?.care4wId ?? null]), [
    [callId, "completed", cat.care4wId],
    [ask, "completed", null],
    [next, "completed", null],
  ]);
  assert.deepEqual(records[2].transferredBy, bobFrom);
});

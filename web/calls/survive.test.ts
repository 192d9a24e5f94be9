/**
 * Calls that survive: a restart of web (a new service, the same ticket key), a reload (a tab
 * coming back without its call), glare (two people calling each other at once), and a callee
 * whose microphone is not available.
 */
import assert from "node:assert/strict";
import type { ServerMessage } from "../../shared/signal.ts";
import { createCallTickets } from "./tickets.ts";
import { newCallId, openTab, setup, users } from "./testing/kit.ts";

const { ann, bob } = users;
const KEY = new Uint8Array(32).fill(7);
const codes = (frames: ServerMessage[]) =>
  frames.map((f) => (f.type === "error" ? f.code : f.type));
const ticketOf = (frames: ServerMessage[]) => {
  const frame = frames.find((f) => f.type === "ticket");
  assert.ok(frame?.type === "ticket", `no ticket in ${codes(frames)}`);
  return frame.ticket;
};

/** Ann calls Bob on a service with tickets; Bob answers. */
async function answeredWithTickets() {
  const ctx = setup({ tickets: createCallTickets(KEY) });
  const a = await openTab(ctx.service, ann, "ann-1");
  const b = await openTab(ctx.service, bob, "bob-1");
  const callId = newCallId();
  await a.send({ type: "invite", callId, to: bob.care4wId });
  await b.send({ type: "accept", callId });
  return { ...ctx, a, b, callId, annTicket: ticketOf(a.take()), bobTicket: ticketOf(b.take()) };
}

Deno.test("after a restart both tabs resume the call; its hang-up is relayed and recorded once", async () => {
  const first = await answeredWithTickets();
  await first.service.close();
  assert.equal(first.records.length, 0, "an answered call is handed over, not ended");
  // The restarted web: new memory, the same key, the same history.
  const second = setup({ tickets: createCallTickets(KEY) });
  const a = await openTab(second.service, ann, "ann-1");
  const b = await openTab(second.service, bob, "bob-1");
  await a.send({ type: "resume", callId: first.callId, ticket: first.annTicket });
  assert.deepEqual(codes(b.take()), ["resumed"]);
  await b.send({ type: "resume", callId: first.callId, ticket: first.bobTicket });
  await second.advance(1000); // past the grace period: both are back, nothing ends
  assert.equal(second.records.length, 0);
  await a.send({ type: "hold", callId: first.callId });
  assert.deepEqual(codes(b.take()), ["hold"]);
  await b.send({ type: "hangup", callId: first.callId });
  assert.deepEqual(codes(a.take()), ["hangup"]);
  assert.deepEqual(second.records.map((r) => [r.id, r.status]), [[first.callId, "completed"]]);
});

Deno.test("a call resumed after a restart keeps who records it and who transferred it", async () => {
  const first = await answeredWithTickets();
  await first.a.send({ type: "record", callId: first.callId, recording: true });
  // What the record will say changed: both tabs hold a newer ticket now.
  const annTicket = ticketOf(first.a.take());
  const bobTicket = ticketOf(first.b.take());
  await first.service.close();
  const second = setup({ tickets: createCallTickets(KEY) });
  const a = await openTab(second.service, ann, "ann-1");
  const b = await openTab(second.service, bob, "bob-1");
  await a.send({ type: "resume", callId: first.callId, ticket: annTicket });
  await b.send({ type: "resume", callId: first.callId, ticket: bobTicket });
  await b.send({ type: "hangup", callId: first.callId });
  assert.deepEqual(second.records.map((r) => r.recordedBy), [ann.care4wId]);

  const tickets = createCallTickets(KEY);
  const by = { care4wId: users.cat.care4wId, displayName: users.cat.displayName };
  const now = second.clock.now();
  const call = tickets.read(annTicket, now)!;
  const transferred = tickets.read(tickets.issue({ ...call, transferredBy: by }), now);
  assert.deepEqual(transferred?.transferredBy, by);
  assert.equal(call.transferredBy, null);
});

Deno.test("a tab that resumes alone ends the call after the grace period, once", async () => {
  const first = await answeredWithTickets();
  await first.service.close();
  const second = setup({ tickets: createCallTickets(KEY) });
  const a = await openTab(second.service, ann, "ann-1");
  await a.send({ type: "resume", callId: first.callId, ticket: first.annTicket });
  await second.advance(300);
  assert.deepEqual(codes(a.take()), ["ended"]);
  assert.deepEqual(second.records.map((r) => r.status), ["completed"]);
});

Deno.test("a hang-up made while the signaling was down ends the call when it was made", async () => {
  const first = await answeredWithTickets();
  await first.service.close();
  const second = setup({ tickets: createCallTickets(KEY) });
  const b = await openTab(second.service, bob, "bob-1");
  await second.advance(10_000); // the call went on for 10 s, then Bob hung up 2 s ago
  const endedAt = second.clock.now().getTime() - 2000;
  await b.send({ type: "resume", callId: first.callId, ticket: first.bobTicket, endedAt });
  assert.equal(second.records.length, 1);
  assert.equal(second.records[0].endedAt.getTime(), endedAt);
});

Deno.test("a forged, foreign or other tab's ticket resumes nothing", async () => {
  const first = await answeredWithTickets();
  await first.service.close();
  const second = setup({ tickets: createCallTickets(KEY) });
  const a = await openTab(second.service, ann, "ann-2"); // Ann, but another tab
  const cat = await openTab(second.service, users.cat, "cat-1");
  const [body, signature] = first.annTicket.split(".");
  const forged = `${body.slice(0, -2)}AA.${signature}`;
  const other = createCallTickets(new Uint8Array(32).fill(8));
  await a.send({ type: "resume", callId: first.callId, ticket: first.annTicket });
  await cat.send({ type: "resume", callId: first.callId, ticket: first.annTicket });
  await cat.send({ type: "resume", callId: first.callId, ticket: forged });
  assert.deepEqual(codes(a.take()), ["bad_ticket"]);
  assert.deepEqual(codes(cat.take()), ["bad_ticket", "bad_ticket"]);
  assert.equal(other.read(first.annTicket, new Date()), null);
  assert.equal(second.service.activeCalls(), 0);
  assert.equal(second.records.length, 0);
});

Deno.test("a call already recorded is not brought back by its ticket", async () => {
  const first = await answeredWithTickets();
  await first.b.send({ type: "hangup", callId: first.callId });
  await first.a.send({ type: "resume", callId: first.callId, ticket: first.annTicket });
  assert.deepEqual(codes(first.a.take()), ["hangup", "ended"]);
  assert.equal(first.records.length, 1);
});

Deno.test("a reloaded tab (no resume) ends its call for the other side at once", async () => {
  const { service, records, a } = await answeredWithTickets();
  const frames: ServerMessage[] = [];
  await service.disconnect("bob-1");
  await service.connect(bob, "bob-1", (frame) => void frames.push(frame), false);
  assert.deepEqual(records.map((r) => r.status), ["completed"]);
  assert.deepEqual(codes(a.take()), ["ended"]);
});

Deno.test("glare: two people calling each other get one call, answered, no record of the other", async () => {
  const { service, records } = setup({ tickets: createCallTickets(KEY) });
  const a = await openTab(service, ann, "ann-1");
  const b = await openTab(service, bob, "bob-1");
  const annCall = newCallId();
  const bobCall = newCallId();
  await Promise.all([
    a.send({ type: "invite", callId: annCall, to: bob.care4wId }),
    b.send({ type: "invite", callId: bobCall, to: ann.care4wId }),
  ]);
  // Ann's invite was handled first: Bob's crossed it, and Bob's tab is rung with Ann's call.
  const bobFrames = b.take();
  assert.deepEqual(codes(bobFrames), ["invite", "crossed", "invite"]);
  assert.ok(bobFrames.every((f) => !("callId" in f) || f.callId !== bobCall || f.type === "error"));
  await b.send({ type: "accept", callId: annCall });
  assert.deepEqual(codes(a.take()), ["accept", "ticket"]);
  await a.send({ type: "hangup", callId: annCall });
  assert.deepEqual(records.map((r) => [r.id, r.status]), [[annCall, "completed"]]);
});

Deno.test("a callee without a microphone fails the call, and the caller is told why", async () => {
  const { service, records } = setup();
  const a = await openTab(service, ann, "ann-1");
  const b = await openTab(service, bob, "bob-1");
  const callId = newCallId();
  await a.send({ type: "invite", callId, to: bob.care4wId });
  a.take();
  await b.send({ type: "reject", callId, reason: "no-microphone" });
  const [frame] = a.take();
  assert.equal(frame.type === "reject" && frame.reason, "no-microphone");
  assert.deepEqual(records.map((r) => r.status), ["failed"]);
});

Deno.test("a side that gives up a broken media path tells the other the call failed", async () => {
  const { a, b, callId, records } = await answeredWithTickets();
  await a.send({ type: "hangup", callId, reason: "failed" });
  const [frame] = b.take();
  assert.equal(frame.type === "hangup" && frame.reason, "failed");
  assert.deepEqual(records.map((r) => r.status), ["completed"]);
});

Deno.test("a shutdown ends a ringing call for both sides, recorded once as failed", async () => {
  const ctx = setup({ tickets: createCallTickets(KEY) });
  const a = await openTab(ctx.service, ann, "ann-1");
  const b = await openTab(ctx.service, bob, "bob-1");
  const callId = newCallId();
  await a.send({ type: "invite", callId, to: bob.care4wId });
  a.take();
  b.take();
  await ctx.service.close();
  assert.deepEqual(codes(a.take()), ["ended"]);
  assert.deepEqual(codes(b.take()), ["ended"]);
  assert.deepEqual(ctx.records.map((r) => r.status), ["failed"]);
});

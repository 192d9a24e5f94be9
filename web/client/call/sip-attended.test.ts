import assert from "node:assert/strict";
import { type Invitation, type Session, SessionState } from "sip.js";
import { createCallState } from "./call-state.ts";
import { SipAttendedTransfer } from "./sip-attended.ts";
import type { Line } from "./sip-engine.ts";

/** The call shown: established, its dialog as this (the target's) end sees it. */
function shownCall(byes: string[]) {
  return {
    state: SessionState.Established,
    dialog: { callId: "c1@host", localTag: "mine", remoteTag: "theirs" },
    sessionDescriptionHandler: undefined,
    bye: () => (byes.push("bye"), Promise.resolve()),
  } as unknown as Session;
}

/** An incoming INVITE with these headers, recording how it was answered. */
function invite(headers: Record<string, string>, answers: (number | "accepted")[]) {
  return {
    request: {
      callId: "new@host",
      getHeader: (name: string) => headers[name],
    },
    remoteIdentity: { uri: { user: "care4w-1000001" }, displayName: "" },
    reject: (
      { statusCode }: { statusCode: number },
    ) => (answers.push(statusCode), Promise.resolve()),
  } as unknown as Invitation;
}

function transfer(line: Line, answers: (number | "accepted")[]) {
  const calls = createCallState();
  calls.begin({ phase: "connected", remote: { care4wId: "care4w-1000002", displayName: "Bob" } });
  const attended = new SipAttendedTransfer({
    calls,
    line,
    waiting: { holdToConsult: () => false, parkedSession: () => null, hangUpParked() {} },
    domain: () => "careflow.test",
    dialConsultation() {},
    follow() {},
    accept: () => (answers.push("accepted"), Promise.resolve()),
    endByUs() {},
  });
  return { calls, attended };
}

Deno.test("an INVITE without Replaces is an ordinary call", () => {
  const answers: (number | "accepted")[] = [];
  const line: Line = { session: shownCall([]), audio: null, endedByUs: null };
  const { attended } = transfer(line, answers);
  assert.equal(attended.takeOver(invite({}, answers)), false);
  assert.deepEqual(answers, []);
});

Deno.test("a Replaces naming no call here is refused 481, one early-only 486", () => {
  const answers: (number | "accepted")[] = [];
  const byes: string[] = [];
  const line: Line = { session: shownCall(byes), audio: null, endedByUs: null };
  const { attended } = transfer(line, answers);
  const other = "c1@host;to-tag=theirs;from-tag=mine"; // the other end's view: not ours
  assert.ok(attended.takeOver(invite({ Replaces: other }, answers)));
  assert.ok(attended.takeOver(invite({ Replaces: "garbage" }, answers)));
  const early = "c1@host;to-tag=mine;from-tag=theirs;early-only";
  assert.ok(attended.takeOver(invite({ Replaces: early }, answers)));
  assert.deepEqual(answers, [481, 481, 486]);
  assert.deepEqual(byes, []);
});

Deno.test("a Replaces naming the call shown is answered at once and ends that call", async () => {
  const answers: (number | "accepted")[] = [];
  const byes: string[] = [];
  const line: Line = { session: shownCall(byes), audio: null, endedByUs: null };
  const { attended, calls } = transfer(line, answers);
  const replacing = invite({
    Replaces: "c1@host;to-tag=mine;from-tag=theirs",
    "Referred-By": "<sip:care4w-1000002@careflow.test>",
  }, answers);
  assert.ok(attended.takeOver(replacing));
  await Promise.resolve();
  assert.deepEqual(answers, ["accepted"]);
  assert.deepEqual(byes, ["bye"]);
  assert.equal(line.session, replacing);
  assert.equal(calls.state.phase, "connecting");
  assert.equal(calls.state.remote?.care4wId, "care4w-1000001");
  // Named as the replaced call named its party.
  assert.equal(calls.state.transferredBy?.displayName, "Bob");
  calls.cancelIdle();
});

import assert from "node:assert/strict";
import {
  applyConnectionLost,
  applyMessage,
  applyRingTimeout,
  type CallState,
  roleOf,
  startCall,
} from "./call-state.ts";
import { users } from "./testing/kit.ts";

const t0 = new Date("2026-01-05T09:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const callId = "6f1f3c1e-3f4a-4d5b-9c6d-7e8f9a0b1c2d";
const caller = { userId: users.ann.userId, connectionId: "ann-1" };
const callee1 = { userId: users.bob.userId, connectionId: "bob-1" };
const callee2 = { userId: users.bob.userId, connectionId: "bob-2" };

const ringingCall = (): CallState => startCall(callId, users.ann, "ann-1", users.bob, t0).call;
const answeredCall = () =>
  applyMessage(ringingCall(), callee1, { type: "accept", callId }, at(2000)).call;

Deno.test("an invite rings every tab of the callee, from the caller", () => {
  const step = startCall(callId, users.ann, "ann-1", users.bob, t0);
  assert.deepEqual(step.effects, [{
    type: "send",
    to: { userId: users.bob.userId },
    frame: {
      type: "invite",
      callId,
      from: { care4wId: "care4w-1000001", displayName: "Ann Carer" },
    },
  }]);
});

Deno.test("roles: every callee tab while ringing, only the answering one after", () => {
  const ringing = ringingCall();
  assert.equal(roleOf(ringing, caller), "caller");
  assert.equal(roleOf(ringing, callee2), "callee");
  assert.equal(roleOf(ringing, { userId: users.ann.userId, connectionId: "ann-2" }), null);
  assert.equal(roleOf(ringing, { userId: users.cat.userId, connectionId: "bob-1" }), null);
  const answered = answeredCall();
  assert.equal(roleOf(answered, callee1), "callee");
  assert.equal(roleOf(answered, callee2), null);
});

Deno.test("ending verbs are read by state and side", () => {
  const end = (call: CallState, sender: typeof caller, type: "reject" | "cancel" | "hangup") =>
    applyMessage(call, sender, { type, callId }, at(7500)).effects.at(-1);
  assert.deepEqual(end(ringingCall(), caller, "hangup"), {
    type: "end",
    status: "cancelled",
    endedAt: at(7500),
  });
  assert.deepEqual(end(ringingCall(), callee2, "hangup"), {
    type: "end",
    status: "declined",
    endedAt: at(7500),
  });
  assert.deepEqual(end(answeredCall(), caller, "cancel"), {
    type: "end",
    status: "completed",
    endedAt: at(7500),
  });
  assert.deepEqual(end(answeredCall(), callee1, "reject"), {
    type: "end",
    status: "completed",
    endedAt: at(7500),
  });
});

Deno.test("a second accept or ringing changes nothing", () => {
  const answered = answeredCall();
  const again = applyMessage(answered, callee1, { type: "accept", callId }, at(3000));
  assert.deepEqual(again, { call: answered, effects: [] });
  assert.equal(answered.answeredAt?.getTime(), at(2000).getTime());
  const ring = applyMessage(answered, callee1, { type: "ringing", callId }, at(3000));
  assert.deepEqual(ring.effects, []);
});

Deno.test("timeouts and lost tabs only end what they should", () => {
  assert.deepEqual(applyRingTimeout(answeredCall(), at(9000)).effects, []);
  assert.equal(applyRingTimeout(ringingCall(), at(9000)).effects.at(-1)?.type, "end");
  assert.deepEqual(applyConnectionLost(ringingCall(), "bob-1", at(1)).effects, []);
  assert.deepEqual(applyConnectionLost(answeredCall(), "bob-2", at(1)).effects, []);
  const lost = applyConnectionLost(answeredCall(), "ann-1", at(5000)).effects;
  assert.deepEqual(lost, [
    {
      type: "send",
      to: { connectionId: "bob-1" },
      frame: { type: "ended", callId, reason: "failed" },
    },
    { type: "end", status: "completed", endedAt: at(5000) },
  ]);
});

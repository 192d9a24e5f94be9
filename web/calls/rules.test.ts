import assert from "node:assert/strict";
import { admitAttempt, buildCallRecord, durationSeconds } from "./rules.ts";
import { users } from "./testing/kit.ts";

Deno.test("the attempt window slides", () => {
  let history: number[] = [];
  for (let t = 0; t < 3; t++) {
    const result = admitAttempt(history, t * 10, 3, 100);
    assert.equal(result.allowed, true);
    history = result.history;
  }
  assert.equal(admitAttempt(history, 99, 3, 100).allowed, false);
  const later = admitAttempt(history, 100, 3, 100);
  assert.equal(later.allowed, true, "the attempt at 0 left the window");
  assert.deepEqual(later.history, [10, 20, 100]);
});

Deno.test("duration is whole seconds from answer to end, 0 when unanswered", () => {
  const t = (ms: number) => new Date(Date.UTC(2026, 0, 5) + ms);
  assert.equal(durationSeconds(null, t(9000)), 0);
  assert.equal(durationSeconds(t(0), t(999)), 0);
  assert.equal(durationSeconds(t(0), t(61_999)), 61);
  assert.equal(durationSeconds(t(5000), t(0)), 0);
});

Deno.test("a record names both parties and uses the call id", () => {
  const startedAt = new Date("2026-01-05T09:00:00Z");
  const answeredAt = new Date("2026-01-05T09:00:05Z");
  const endedAt = new Date("2026-01-05T09:01:10.500Z");
  const record = buildCallRecord(
    { callId: "c1", caller: users.ann, callee: users.bob, startedAt, answeredAt },
    "completed",
    endedAt,
  );
  assert.deepEqual(record, {
    id: "c1",
    mode: "webrtc",
    status: "completed",
    callerUserId: "u-ann",
    callerCare4wId: "care4w-1000001",
    callerName: "Ann Carer",
    calleeUserId: "u-bob",
    calleeCare4wId: "care4w-1000002",
    calleeName: "Bob Nurse",
    startedAt,
    answeredAt,
    endedAt,
    durationSeconds: 65,
    recordedBy: null,
    callerPhone: null,
    calleePhone: null,
    hangupCause: null,
    quality: null,
    transferredBy: null,
    transferredTo: null,
  });
});

import assert from "node:assert/strict";
import {
  isCallEnd,
  MAX_FRAME_LENGTH,
  MAX_SDP_LENGTH,
  parseClientMessage,
  parseServerMessage,
  type ServerMessage,
  signalError,
} from "./signal.ts";

const callId = "0b7c7c1e-3f4a-4d5b-9c6d-7e8f9a0b1c2d";
const from = { care4wId: "care4w-1000001", displayName: "Ann" };

Deno.test("every client message kind parses from JSON text", () => {
  const frames = [
    { type: "invite", callId, to: "care4w-1000002" },
    ...["ringing", "accept", "reject", "cancel", "hangup", "hold", "unhold"].map((type) => ({
      type,
      callId,
    })),
    { type: "offer", callId, sdp: "v=0\r\n" },
    { type: "answer", callId, sdp: "v=0\r\n" },
    {
      type: "candidate",
      callId,
      candidate: { candidate: "candidate:1 1 udp 1 1.2.3.4 5 typ host" },
    },
    { type: "candidate", callId, candidate: { candidate: "", sdpMid: "0", sdpMLineIndex: 0 } },
  ];
  for (const frame of frames) {
    const result = parseClientMessage(JSON.stringify(frame));
    assert.ok(result.ok, JSON.stringify(frame));
    assert.deepEqual(result.message, frame);
  }
});

Deno.test("a from field sent by a client is stripped", () => {
  const result = parseClientMessage({ type: "accept", callId, from });
  assert.ok(result.ok);
  assert.equal("from" in result.message, false);
});

Deno.test("bad frames get a clear error, with the callId when readable", () => {
  const notJson = parseClientMessage("{nope");
  assert.ok(!notJson.ok);
  assert.equal(notJson.error.code, "invalid_message");

  const unknownType = parseClientMessage({ type: "dance", callId });
  assert.ok(!unknownType.ok);
  assert.equal(unknownType.error.callId, callId);

  const badId = parseClientMessage({ type: "hangup", callId: "123" });
  assert.ok(!badId.ok);
  assert.equal(badId.error.callId, undefined);
  assert.match(badId.error.message, /callId/);

  const badTarget = parseClientMessage({ type: "invite", callId, to: "bob" });
  assert.ok(!badTarget.ok);
  assert.match(badTarget.error.message, /^to:/);

  assert.equal(parseClientMessage(null).ok, false);
  assert.equal(parseClientMessage(42).ok, false);
});

Deno.test("sizes are bounded", () => {
  const big = parseClientMessage({ type: "offer", callId, sdp: "x".repeat(MAX_SDP_LENGTH + 1) });
  assert.ok(!big.ok);
  assert.equal(big.error.code, "invalid_message");
  const huge = parseClientMessage("x".repeat(MAX_FRAME_LENGTH + 1));
  assert.ok(!huge.ok);
  assert.equal(huge.error.code, "too_large");
  const empty = parseClientMessage({ type: "answer", callId, sdp: "" });
  assert.equal(empty.ok, false);
});

Deno.test("server messages parse and end kinds are recognised", () => {
  const frames: ServerMessage[] = [
    { type: "invite", callId, from },
    { type: "cancel", callId, from, reason: "answered-elsewhere" },
    { type: "ended", callId, reason: "missed" },
    {
      type: "presence",
      care4wId: "care4w-1000001",
      displayName: "Ann",
      online: true,
      connections: 2,
    },
    signalError("rate_limited", "slow down", callId),
  ];
  for (const frame of frames) {
    const result = parseServerMessage(JSON.stringify(frame));
    assert.ok(result.ok, JSON.stringify(frame));
    assert.deepEqual(result.message, frame);
  }
  assert.equal(isCallEnd({ type: "ended", callId, reason: "busy" }), true);
  assert.equal(isCallEnd({ type: "accept", callId, from }), false);
  assert.equal(parseServerMessage({ type: "ended", callId, reason: "bored" }).ok, false);
  assert.equal(parseServerMessage({ type: "accept", callId }).ok, false);
});

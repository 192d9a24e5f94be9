/**
 * A call recorded while it runs, in parts; the sweeper finishing a recording whose tab vanished;
 * a refused recording leaving no file; and voicemail left after an unanswered call.
 */
import assert from "node:assert/strict";
import type { CallRecord } from "../../calls/rules.ts";
import { createTestApp, type TestApp } from "../../testing/app.ts";
import { multipart, wavBytes, webmChunk } from "../../recordings/testing/audio.ts";

const json = (body: unknown, cookie: string) => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { cookie, "content-type": "application/json" },
});

async function users(t: TestApp) {
  const ann = await t.signup("ann@example.org", "Ann Carer");
  const bob = await t.signup("bob@example.org", "Bob Nurse");
  const annId = (await t.services.store.findUserByEmail("ann@example.org"))!.id;
  const bobId = (await t.services.store.findUserByEmail("bob@example.org"))!.id;
  return { ann, bob, annId, bobId };
}

/** The record the call service writes when a call ends. */
function callRecord(id: string, callerId: string, calleeId: string, status: CallRecord["status"]) {
  const endedAt = new Date();
  return {
    id,
    mode: "webrtc",
    status,
    callerUserId: callerId,
    callerCare4wId: "care4w-1000001",
    callerName: "Ann Carer",
    calleeUserId: calleeId,
    calleeCare4wId: "care4w-1000002",
    calleeName: "Bob Nurse",
    startedAt: new Date(endedAt.getTime() - 60_000),
    answeredAt: status === "completed" ? new Date(endedAt.getTime() - 50_000) : null,
    endedAt,
    durationSeconds: status === "completed" ? 50 : 0,
    recordedBy: null,
    callerPhone: null,
    calleePhone: null,
    hangupCause: null,
    quality: null,
    transferredBy: null,
    transferredTo: null,
  } satisfies CallRecord;
}

async function sendPart(
  t: TestApp,
  cookie: string,
  id: string,
  n: number,
  bytes: Uint8Array<ArrayBuffer>,
) {
  const response = await t.app.request(`/api/recordings/${id}/parts/${n}`, {
    method: "PUT",
    body: bytes,
    headers: { cookie, "content-type": "audio/webm", "x-recording-elapsed": String(n * 2) },
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()).recording;
}

Deno.test("a call recorded in parts is joined into one playable recording with the call's parties", async () => {
  const t = createTestApp();
  try {
    const { ann, bob, annId, bobId } = await users(t);
    const callId = crypto.randomUUID();
    const started = await t.app.request("/api/recordings", json({ callId }, ann));
    assert.equal(started.status, 201);
    const { recording } = await started.json();
    assert.equal(recording.status, "recording");
    const parts = [webmChunk(3000, true), webmChunk(2500, false), webmChunk(100, false)];
    for (const [i, part] of parts.entries()) await sendPart(t, ann, recording.id, i + 1, part);
    // Someone else, even the other party, can neither add to, finish nor discard it.
    for (
      const [method, path] of [["PUT", "/parts/9"], ["POST", "/finish"], ["POST", "/discard"]]
    ) {
      const response = await t.app.request(`/api/recordings/${recording.id}${path}`, {
        method,
        body: method === "PUT" ? webmChunk(10, false) : "{}",
        headers: { cookie: bob, "content-type": "application/json" },
      });
      assert.equal(response.status, 404, `${method} ${path} by another user`);
      await response.body?.cancel();
    }

    await t.services.store.insertCall(callRecord(callId, annId, bobId, "completed"));
    const finished = await t.app.request(`/api/recordings/${recording.id}/finish`, json({}, ann));
    const done = (await finished.json()).recording;
    assert.equal(done.status, "active");
    assert.equal(done.duration, 6);
    assert.equal(done.otherParty.care4wId, "care4w-1000002", "filled in from the call record");
    assert.equal(done.recordedBy, "care4w-1000001");
    const audio = await t.app.request(`/api/recordings/${recording.id}/media`, {
      headers: { cookie: ann },
    });
    const joined = new Uint8Array(await audio.arrayBuffer());
    assert.equal(joined.length, 5600 + 16);
    assert.deepEqual(joined.subarray(0, parts[0].length), parts[0]);
    const late = await t.app.request(`/api/recordings/${recording.id}/parts/4`, {
      method: "PUT",
      body: webmChunk(10, false),
      headers: { cookie: ann },
    });
    assert.equal(late.status, 409, "a finished recording takes no more audio");
  } finally {
    await t.close();
  }
});

Deno.test("a recording whose tab vanished is finished by the sweeper; a refused one leaves nothing", async () => {
  let now = new Date("2026-06-01T10:00:00Z");
  const t = createTestApp({}, { now: () => now });
  try {
    const { ann } = await users(t);
    const kept = (await (await t.app.request(
      "/api/recordings",
      json({ callId: crypto.randomUUID() }, ann),
    )).json()).recording;
    await sendPart(t, ann, kept.id, 1, webmChunk(1000, true));
    const refused = (await (await t.app.request(
      "/api/recordings",
      json({ callId: crypto.randomUUID() }, ann),
    )).json()).recording;
    await sendPart(t, ann, refused.id, 1, webmChunk(1000, true));
    const discarded = await t.app.request(`/api/recordings/${refused.id}/discard`, json({}, ann));
    assert.equal(discarded.status, 204);
    assert.deepEqual(
      await t.services.storage.list(`rec/`).then((keys) =>
        keys.filter((k) => k.includes(refused.id))
      ),
      [],
      "no file of the refused recording",
    );

    now = new Date(now.getTime() + 3 * 60_000);
    const swept = await t.services.recordings.sweep();
    assert.equal(swept.finalized, 1);
    const after = await (await t.app.request(`/api/recordings/${kept.id}`, {
      headers: { cookie: ann },
    })).json();
    assert.equal(after.recording.status, "active");
    assert.equal(after.recording.fileSize, 1016);
  } finally {
    await t.close();
  }
});

Deno.test("after an unanswered call the caller leaves one voicemail, which the callee alone finds unread", async () => {
  const t = createTestApp();
  try {
    const { ann, bob, annId, bobId } = await users(t);
    const eve = await t.signup("eve@example.org", "Eve Other");
    const answered = crypto.randomUUID();
    const missed = crypto.randomUUID();
    await t.services.store.insertCall(callRecord(answered, annId, bobId, "completed"));
    await t.services.store.insertCall(callRecord(missed, annId, bobId, "missed"));
    const leave = (cookie: string, callId: string) =>
      t.app.request(
        "/api/voicemail",
        multipart({ callId, duration: "2" }, wavBytes(2), { cookie }),
      );
    assert.equal((await leave(ann, answered)).status, 409, "an answered call takes no message");
    assert.equal((await leave(eve, missed)).status, 404, "only the caller may leave one");
    assert.equal((await leave(bob, missed)).status, 404, "the callee is not the caller");
    assert.equal((await leave(ann, missed)).status, 201);
    assert.equal((await leave(ann, missed)).status, 409, "one message per call");

    const box = await (await t.app.request("/api/recordings?type=voicemail", {
      headers: { cookie: bob },
    })).json();
    assert.equal(box.unlistenedVoicemail, 1);
    assert.equal(box.recordings[0].otherParty.displayName, "Ann Carer");
    assert.equal(box.recordings[0].isListened, false);
    const annBox = await (await t.app.request("/api/recordings?type=voicemail", {
      headers: { cookie: ann },
    })).json();
    assert.equal(annBox.pagination.total, 0, "the message is the callee's, not the caller's");
    const greeting = await (await t.app.request(`/api/voicemail/calls/${missed}`, {
      headers: { cookie: ann },
    })).json();
    assert.deepEqual(greeting, { calleeName: "Bob Nurse", hasGreeting: false });
  } finally {
    await t.close();
  }
});

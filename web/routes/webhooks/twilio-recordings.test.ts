/**
 * Recordings and voicemail through Twilio, followed as Twilio runs them: the TwiML asks for them,
 * Twilio's recording callback (signed) names its media, CareFlow fetches it from a local stand-in
 * for Twilio's REST API (reached by the real `twilio` library), stores it for its owner only, and
 * deletes Twilio's copy; retries change nothing.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { createTestApp, type TestApp } from "../../testing/app.ts";
import {
  attr,
  browserCall,
  CALL_SID,
  phoneCall,
  signedPost,
  startTwilioStandIn,
  TWILIO_ENV,
  type TwilioStandIn,
  verbs,
} from "../../testing/twilio.ts";
import { createTwilioMedia } from "../../twilio/media.ts";

const RECORDING_SID = `RE${"b".repeat(32)}`;
const RECORDING_URL =
  `https://api.twilio.com/2010-04-01/Accounts/${TWILIO_ENV.TWILIO_ACCOUNT_SID}/Recordings/${RECORDING_SID}`;

async function withTwilio(run: (t: TestApp, twilio: TwilioStandIn, ann: string) => Promise<void>) {
  const standIn = await startTwilioStandIn();
  const config = loadConfig({ DATA_DIR: "/nonexistent", ...TWILIO_ENV });
  const t = createTestApp(TWILIO_ENV, {
    twilioMedia: createTwilioMedia(config.twilio!, {
      httpClient: standIn.httpClient,
      fetchImpl: standIn.fetchImpl,
      retryDelaysMs: [20, 20],
    }),
  });
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    await run(t, standIn, ann);
  } finally {
    await t.close();
    await standIn.close();
  }
}

const list = async (t: TestApp, cookie: string, type: string) =>
  (await (await t.app.request(`/api/recordings?type=${type}`, { headers: { cookie } })).json())
    .recordings;

Deno.test("a recorded call to a phone lands once as the caller's recording and leaves Twilio", async () => {
  await withTwilio(async (t, twilio, ann) => {
    const on = await t.app.request("/api/me/settings", {
      method: "PATCH",
      body: JSON.stringify({ recordCalls: true }),
      headers: { cookie: ann, "content-type": "application/json" },
    });
    assert.equal(on.status, 200);
    const voice = await t.app.request(
      "/api/webhooks/twilio/voice",
      signedPost(
        "/api/webhooks/twilio/voice",
        browserCall("client:care4w-1000001", "+447700900123"),
      ),
    );
    const found = verbs(await voice.text());
    assert.match(found[0], /^Say/, "the caller hears that the call is recorded");
    const dial = found.find((verb) => verb.startsWith("Dial"))!;
    assert.equal(attr(dial, "record"), "record-from-answer-dual");
    const callback = attr(dial, "recordingStatusCallback")!;
    const number = found.find((verb) => verb.startsWith("Number"))!;
    assert.equal(attr(number, "url"), "/api/webhooks/twilio/announce", "so does the called party");

    const params = {
      CallSid: CALL_SID,
      RecordingSid: RECORDING_SID,
      RecordingUrl: RECORDING_URL,
      RecordingStatus: "completed",
      RecordingDuration: "42",
    };
    for (let i = 0; i < 2; i++) {
      const answer = await t.app.request(callback, signedPost(callback, params));
      assert.equal(answer.status, 204);
    }
    const recordings = await list(t, ann, "call");
    assert.equal(recordings.length, 1, "once, though Twilio called back twice");
    assert.equal(recordings[0].status, "active");
    assert.equal(recordings[0].duration, 42);
    assert.equal(recordings[0].otherParty.phone, "+447700900123");
    const media = await t.app.request(`/api/recordings/${recordings[0].id}/media`, {
      headers: { cookie: ann },
    });
    assert.equal(media.status, 200);
    assert.deepEqual(new Uint8Array(await media.arrayBuffer()), twilio.audio);
    const bob = await t.signup("bob@example.org", "Bob Nurse");
    const theirs = await t.app.request(`/api/recordings/${recordings[0].id}/media`, {
      headers: { cookie: bob },
    });
    assert.equal(theirs.status, 404, "nobody else's");
    const gets = twilio.requests.filter((r) => r.method === "GET");
    const deletes = twilio.requests.filter((r) => r.method === "DELETE");
    assert.equal(gets.length, 1, "fetched once");
    assert.ok(gets[0].authorized && deletes.every((r) => r.authorized));
    assert.ok(deletes.length >= 1, "deleted at Twilio");
    assert.match(deletes[0].path, new RegExp(`/Recordings/${RECORDING_SID}\\.json$`));

    // The owner deletes it; a late or replayed callback must not bring it back.
    const removed = await t.app.request(`/api/recordings/${recordings[0].id}`, {
      method: "DELETE",
      headers: { cookie: ann },
    });
    assert.ok(removed.ok, `delete: ${removed.status}`);
    assert.equal((await t.app.request(callback, signedPost(callback, params))).status, 204);
    assert.equal((await list(t, ann, "call")).length, 0, "still deleted");
    assert.equal(twilio.requests.filter((r) => r.method === "GET").length, 1, "not fetched again");
  });
});

Deno.test("a recording URL that is not Twilio's is never fetched", async () => {
  await withTwilio(async (t, twilio, ann) => {
    const path =
      "/api/webhooks/twilio/recording?direction=outbound&user=care4w-1000001&phone=%2B447700900123";
    for (const url of ["https://evil.example.org/x", `${twilio.origin}/2010-04-01/Accounts/x`]) {
      const answer = await t.app.request(
        path,
        signedPost(path, {
          CallSid: CALL_SID,
          RecordingSid: RECORDING_SID,
          RecordingUrl: url,
          RecordingStatus: "completed",
        }),
      );
      assert.equal(answer.status, 204);
    }
    assert.equal(twilio.requests.length, 0);
    assert.equal((await list(t, ann, "call")).length, 0);
  });
});

Deno.test("nobody answers a call in: the caller leaves a message, which lands unread in the inbox", async () => {
  await withTwilio(async (t, twilio, ann) => {
    const inbound = phoneCall("+447700900999");
    const gather = "/api/webhooks/twilio/gather?attempt=1";
    const ring = verbs(
      await (await t.app.request(
        gather,
        signedPost(gather, { ...inbound, Digits: "1000001" }),
      )).text(),
    );
    const action = attr(ring[0], "action")!;
    const offer = verbs(
      await (await t.app.request(
        action,
        signedPost(action, { ...inbound, DialCallStatus: "no-answer" }),
      )).text(),
    );
    assert.match(offer[0], /^Say/);
    const record = offer.find((verb) => verb.startsWith("Record"))!;
    const callback = attr(record, "recordingStatusCallback")!;
    const answer = await t.app.request(
      callback,
      signedPost(callback, {
        CallSid: CALL_SID,
        RecordingSid: RECORDING_SID,
        RecordingUrl: RECORDING_URL,
        RecordingStatus: "completed",
        RecordingDuration: "9",
      }),
    );
    assert.equal(answer.status, 204);
    const inbox = await (await t.app.request("/api/recordings?type=voicemail", {
      headers: { cookie: ann },
    })).json();
    assert.equal(inbox.recordings.length, 1);
    assert.equal(inbox.recordings[0].isListened, false);
    assert.equal(inbox.recordings[0].otherParty.phone, "+447700900999");
    assert.equal(inbox.unlistenedVoicemail, 1);
    assert.equal(twilio.requests.filter((r) => r.method === "DELETE").length, 1);
  });
});

Deno.test("a media download Twilio fails is tried again; one that keeps failing keeps Twilio's copy", async () => {
  await withTwilio(async (t, twilio, ann) => {
    const path =
      "/api/webhooks/twilio/voicemail?direction=inbound&user=care4w-1000001&phone=%2B447700900999";
    const params = (sid: string) => ({
      CallSid: CALL_SID,
      RecordingSid: sid,
      RecordingUrl: RECORDING_URL.replace(RECORDING_SID, sid),
      RecordingStatus: "completed",
      RecordingDuration: "9",
    });
    twilio.failNext = 2;
    const first = `RE${"c".repeat(32)}`;
    assert.equal((await t.app.request(path, signedPost(path, params(first)))).status, 204);
    const [message] = await list(t, ann, "voicemail");
    assert.equal(message.status, "active", "stored on the third try");
    assert.equal(
      twilio.requests.filter((r) => r.path.includes(first) && r.method === "GET").length,
      3,
    );

    twilio.failNext = 10;
    const second = `RE${"d".repeat(32)}`;
    const failed = await t.app.request(path, signedPost(path, params(second)));
    assert.equal(failed.status, 500, "Twilio is told it did not work");
    assert.ok(
      !twilio.requests.some((r) => r.method === "DELETE" && r.path.includes(second)),
      "Twilio's copy is kept while ours is missing",
    );
    // A later callback (Twilio's retry, or the same one replayed) finishes the intake.
    twilio.failNext = 0;
    assert.equal((await t.app.request(path, signedPost(path, params(second)))).status, 204);
    const messages = await list(t, ann, "voicemail");
    assert.equal(messages.length, 2);
    assert.ok(messages.every((m: { status: string }) => m.status === "active"));
  });
});

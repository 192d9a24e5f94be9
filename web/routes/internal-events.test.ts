/**
 * The agent's events into web (`POST /internal/events`, signed): applied idempotently by id, each
 * answered on its own; and a recording's audio streamed after its event, checked against the
 * SHA-256 its signature covers.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { CONTENT_HASH_HEADER, signRequest } from "../../shared/signing.ts";
import { wavBytes } from "../recordings/testing/audio.ts";
import { createTestApp, SIP_TEST_ENV, SIP_TEST_SECRETS } from "../testing/app.ts";
import { createRecordingAgent } from "../testing/recording-agent.ts";

function postEvents(events: unknown[]) {
  const body = JSON.stringify({ events });
  return {
    method: "POST",
    body,
    headers: {
      ...signRequest({
        secret: SIP_TEST_SECRETS.internal,
        method: "POST",
        path: "/internal/events",
        body,
      }),
      "content-type": "application/json",
    },
  };
}

const at = "2026-05-01T10:00:00.000Z";
const cdr = (id: string, status = "completed") => ({
  id,
  type: "cdr",
  at,
  call: {
    id: `sip-${id}`,
    mode: "sip",
    status,
    caller: "care4w-1000001",
    callee: "care4w-1000002",
    startedAt: "2026-05-01T09:59:00.000Z",
    answeredAt: status === "completed" ? "2026-05-01T09:59:05.000Z" : null,
    endedAt: at,
  },
});

async function twoUsers() {
  const t = createTestApp(SIP_TEST_ENV, { agent: createRecordingAgent() });
  const ann = await t.signup("ann@example.org", "Ann Carer");
  await t.signup("bob@example.org", "Bob Nurse");
  return { t, ann };
}

Deno.test("a batch is applied once: a redelivery changes nothing, a bad event blocks no good one", async () => {
  const { t, ann } = await twoUsers();
  try {
    const batch = [
      cdr("event-0001"),
      { id: "event-0002", type: "cdr" },
      cdr("event-0003", "missed"),
    ];
    const first = await t.app.request("/internal/events", postEvents(batch));
    assert.equal(first.status, 200);
    const { results } = await first.json();
    assert.deepEqual(results.map((r: { ok: boolean }) => r.ok), [true, false, true]);
    assert.match(results[1].error, /at|call/);

    const again = await (await t.app.request("/internal/events", postEvents(batch))).json();
    assert.deepEqual(
      again.results.map((r: { ok: boolean; duplicate?: boolean }) => [r.ok, r.duplicate]),
      [[true, true], [false, undefined], [true, true]],
    );
    const history = await (await t.app.request("/api/calls/history", { headers: { cookie: ann } }))
      .json();
    assert.equal(history.pagination.total, 2, "each call once");
    assert.deepEqual(history.calls.map((c: { mode: string }) => c.mode), ["sip", "sip"]);

    const unknown = await (await t.app.request(
      "/internal/events",
      postEvents([{ ...cdr("event-0004"), call: { ...cdr("x").call, callee: "care4w-1999999" } }]),
    )).json();
    assert.match(unknown.results[0].error, /nobody has the CareFlow ID care4w-1999999/);

    const unsigned = await t.app.request("/internal/events", {
      method: "POST",
      body: JSON.stringify({ events: [cdr("event-0005")] }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(unsigned.status, 401);
  } finally {
    await t.close();
  }
});

Deno.test("a user's phone presence follows the agent's latest event, whatever the order", async () => {
  const { t, ann } = await twoUsers();
  try {
    const device = (id: string, type: string, state: string, minute: number) => ({
      id,
      type,
      at: `2026-05-01T10:0${minute}:00.000Z`,
      care4wId: "care4w-1000001",
      state,
    });
    const phone = async () =>
      (await (await t.app.request("/api/sip/credentials", { headers: { cookie: ann } })).json())
        .phone;
    assert.equal(await phone(), null, "no phone has registered yet");
    const { results } = await (await t.app.request(
      "/internal/events",
      postEvents([
        device("presence-0002", "presence", "online", 2),
        device("presence-0001", "presence", "offline", 1), // late, older: ignored
        device("register-0001", "registration", "registered", 2),
        { ...device("presence-0009", "presence", "online", 3), care4wId: "care4w-1999999" },
      ]),
    )).json();
    assert.deepEqual(results.map((r: { ok: boolean }) => r.ok), [true, true, true, false]);
    assert.deepEqual(await phone(), { online: true, since: "2026-05-01T10:02:00.000Z" });
    await t.app.request(
      "/internal/events",
      postEvents([device("presence-0003", "presence", "offline", 3)]),
    );
    assert.deepEqual(await phone(), { online: false, since: "2026-05-01T10:03:00.000Z" });
  } finally {
    await t.close();
  }
});

Deno.test("the history says whose setting had a SIP call recorded", async () => {
  const { t, ann } = await twoUsers();
  try {
    const recorded = { ...cdr("event-rec-1"), call: { ...cdr("x").call, id: "sip-rec-1" } };
    recorded.call = { ...recorded.call, recordedBy: "care4w-1000002" } as typeof recorded.call;
    const plain = { ...cdr("event-rec-2"), call: { ...cdr("y").call, id: "sip-rec-2" } };
    const { results } = await (await t.app.request(
      "/internal/events",
      postEvents([recorded, plain]),
    )).json();
    assert.deepEqual(results.map((r: { ok: boolean }) => r.ok), [true, true]);
    const history = await (await t.app.request("/api/calls/history", { headers: { cookie: ann } }))
      .json();
    const byId = Object.fromEntries(
      history.calls.map((c: { id: string; recordedBy: string | null }) => [c.id, c.recordedBy]),
    );
    assert.deepEqual(byId, { "sip-rec-1": "care4w-1000002", "sip-rec-2": null });
  } finally {
    await t.close();
  }
});

Deno.test("a SIP transfer is in the history, named by who made it and to whom", async () => {
  const { t, ann } = await twoUsers();
  try {
    const base = cdr("x").call;
    const events = [
      {
        ...cdr("event-xfer-1"),
        call: { ...base, id: "sip-xfer-1", transferredTo: "care4w-1000002" },
      },
      {
        ...cdr("event-xfer-2"),
        call: { ...base, id: "sip-xfer-2", transferredBy: "care4w-1000002" },
      },
      // Someone who has since left is named by their ID; that is no reason to lose the call.
      {
        ...cdr("event-xfer-3"),
        call: { ...base, id: "sip-xfer-3", transferredBy: "care4w-1999999" },
      },
      { ...cdr("event-xfer-4"), call: { ...base, id: "sip-xfer-4", transferredTo: "bob" } },
    ];
    const { results } = await (await t.app.request("/internal/events", postEvents(events))).json();
    assert.deepEqual(results.map((r: { ok: boolean }) => r.ok), [true, true, true, false]);
    const history = await (await t.app.request("/api/calls/history", { headers: { cookie: ann } }))
      .json();
    type Row = { id: string; transferredBy: unknown; transferredTo: unknown };
    const byId = Object.fromEntries(
      history.calls.map((c: Row) => [c.id, [c.transferredBy, c.transferredTo]]),
    );
    assert.deepEqual(byId, {
      "sip-xfer-1": [null, { care4wId: "care4w-1000002", displayName: "Bob Nurse" }],
      "sip-xfer-2": [{ care4wId: "care4w-1000002", displayName: "Bob Nurse" }, null],
      "sip-xfer-3": [{ care4wId: "care4w-1999999", displayName: "care4w-1999999" }, null],
    });
  } finally {
    await t.close();
  }
});

Deno.test("a call to an outside phone is in the user's history with its number and quality", async () => {
  const { t, ann } = await twoUsers();
  try {
    const quality = { mos: 3.4, jitterMs: 35, lossPercent: 4.5 };
    const base = cdr("x").call;
    const events = [
      {
        ...cdr("event-pstn-1"),
        call: {
          ...base,
          id: "sip-pstn-1",
          callee: { phone: "+447700900123" },
          hangupCause: "NORMAL_CLEARING",
          quality,
        },
      },
      {
        ...cdr("event-pstn-2"),
        call: {
          ...base,
          id: "sip-pstn-2",
          caller: { phone: "+14155550100" },
          callee: { phone: "+447700900123" },
        },
      },
      { ...cdr("event-pstn-3"), call: { ...base, id: "sip-pstn-3", callee: { phone: "0770090" } } },
    ];
    const { results } = await (await t.app.request("/internal/events", postEvents(events))).json();
    assert.equal(results[0].ok, true);
    assert.match(results[1].error, /two outside phones/);
    assert.equal(results[2].ok, false, "a number that is not E.164 is refused");
    const history = await (await t.app.request("/api/calls/history", { headers: { cookie: ann } }))
      .json();
    assert.equal(history.pagination.total, 1);
    const [call] = history.calls;
    assert.deepEqual(call.otherParty, {
      care4wId: null,
      phone: "+447700900123",
      displayName: "+447700900123",
    });
    assert.deepEqual(call.quality, quality);
    assert.equal(call.direction, "outbound");
  } finally {
    await t.close();
  }
});

Deno.test("a recording event's audio streams in, checked against its signed hash", async () => {
  const { t, ann } = await twoUsers();
  try {
    const event = {
      id: "event-rec-0001",
      type: "recording",
      at,
      recording: {
        owner: "care4w-1000001",
        callId: "sip-call-1",
        mode: "sip",
        caller: "care4w-1000001",
        callee: "care4w-1000002",
        format: "wav",
        durationSeconds: 2,
        recordedAt: at,
      },
    };
    const taken = await (await t.app.request("/internal/events", postEvents([event]))).json();
    assert.equal(taken.results[0].ok, true);

    const audio = wavBytes(2);
    const put = (body: Uint8Array<ArrayBuffer>, signedHash: string) => {
      const path = `/internal/recordings/${event.id}`;
      return t.app.request(path, {
        method: "PUT",
        body,
        headers: {
          ...signRequest({
            secret: SIP_TEST_SECRETS.internal,
            method: "PUT",
            path,
            body: signedHash,
          }),
          [CONTENT_HASH_HEADER]: signedHash,
        },
      });
    };
    const hash = createHash("sha256").update(audio).digest("hex");
    const tampered = audio.slice();
    tampered[100] ^= 1;
    assert.equal((await put(tampered, hash)).status, 400, "a body that is not what was signed");
    const stored = await put(audio, hash);
    assert.equal(stored.status, 204);
    assert.equal((await put(audio, hash)).status, 409, "the audio arrives once");

    const media = await t.app.request(`/api/recordings/${event.id}/media`, {
      headers: { cookie: ann },
    });
    assert.deepEqual(new Uint8Array(await media.arrayBuffer()), audio);
  } finally {
    await t.close();
  }
});

Deno.test("a greeting change is pushed with its version, and the agent fetches exactly that audio", async () => {
  const agent = createRecordingAgent();
  const t = createTestApp(SIP_TEST_ENV, { agent });
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    await t.signup("bob@example.org", "Bob Nurse");
    const wav = wavBytes(1);
    const put = await t.app.request("/api/voicemail/greeting", {
      method: "PUT",
      body: wav,
      headers: { cookie: ann, "content-type": "audio/wav" },
    });
    assert.equal(put.status, 204);
    const last = () => agent.pushes.filter((p) => p.care4wId === "care4w-1000001").at(-1)!.change;
    const pushed = last();
    assert.equal(pushed.kind, "upsert");
    const version = pushed.kind === "upsert" ? pushed.body.greeting : undefined;
    assert.match(version ?? "", /^[a-z0-9]+-[0-9a-f]{8}$/);

    const get = (care4wId: string, secret = SIP_TEST_SECRETS.internal) => {
      const path = `/internal/greetings/${care4wId}`;
      return t.app.request(path, {
        headers: signRequest({ secret, method: "GET", path, body: "" }),
      });
    };
    const audio = await get("care4w-1000001");
    assert.equal(audio.status, 200);
    assert.equal(audio.headers.get("x-careflow-greeting"), version);
    assert.deepEqual(new Uint8Array(await audio.arrayBuffer()), wav);
    assert.equal((await get("care4w-1000002")).status, 404, "Bob has none");
    assert.equal((await get("care4w-1000001", "another-secret-0123456789")).status, 401);
    assert.equal((await get("nobody")).status, 400);

    const again = await t.app.request("/api/voicemail/greeting", {
      method: "PUT",
      body: wavBytes(2),
      headers: { cookie: ann, "content-type": "audio/wav" },
    });
    assert.equal(again.status, 204);
    const second = last();
    assert.notEqual(second.kind === "upsert" ? second.body.greeting : null, version);

    const removed = await t.app.request("/api/voicemail/greeting", {
      method: "DELETE",
      headers: { cookie: ann },
    });
    assert.equal(removed.status, 204);
    const gone = last();
    assert.equal(gone.kind === "upsert" && gone.body.greeting, undefined);
    assert.equal((await get("care4w-1000001")).status, 404);
  } finally {
    await t.close();
  }
});

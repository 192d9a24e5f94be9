/**
 * Twilio's webhooks, posted exactly as Twilio posts them: form-encoded, signed with the `twilio`
 * library's own function over the public URL; the TwiML answered is parsed as XML and followed.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../testing/app.ts";
import {
  attr,
  AUTH_TOKEN,
  browserCall,
  CALL_SID as SID,
  phoneCall,
  signedPost,
  TWILIO_ENV,
  verbs,
} from "../../testing/twilio.ts";

async function withApp(run: (t: TestApp, ann: string) => Promise<void>) {
  const t = createTestApp(TWILIO_ENV);
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    await run(t, ann);
  } finally {
    await t.close();
  }
}

Deno.test("a forged, unsigned or re-signed webhook is refused with 403 and changes nothing", async () => {
  await withApp(async (t, ann) => {
    const params = { CallSid: SID, DialCallStatus: "completed", DialCallDuration: "60" };
    const path =
      "/api/webhooks/twilio/status?direction=outbound&user=care4w-1000001&phone=%2B447700900123";
    const forged = await t.app.request(path, signedPost(path, params, "0".repeat(32)));
    assert.equal(forged.status, 403);
    const unsigned = await t.app.request(path, { ...signedPost(path, params), headers: {} });
    assert.equal(unsigned.status, 403);
    // Signed for another URL (another user in the query) is not valid for this one.
    const other = signedPost(path.replace("1000001", "1000002"), params);
    assert.equal((await t.app.request(path, other)).status, 403);
    const changed = signedPost(path, params);
    changed.body = changed.body.replace("60", "6000");
    assert.equal((await t.app.request(path, changed)).status, 403);
    const history = await (await t.app.request("/api/calls/history", { headers: { cookie: ann } }))
      .json();
    assert.equal(history.pagination.total, 0);
    assert.ok(!t.logs.join("\n").includes(AUTH_TOKEN), "the auth token is never logged");
  });
});

Deno.test("a browser call to a phone number dials it from the organisation's number; its outcome lands once", async () => {
  await withApp(async (t, ann) => {
    const voice = await t.app.request(
      "/api/webhooks/twilio/voice",
      signedPost(
        "/api/webhooks/twilio/voice",
        browserCall("client:care4w-1000001", "+447700900123"),
      ),
    );
    assert.equal(voice.status, 200);
    assert.equal(voice.headers.get("content-type"), "text/xml");
    const [dial, number] = verbs(await voice.text());
    assert.match(dial, /^Dial /);
    assert.equal(attr(dial, "callerId"), "+15550100000");
    assert.match(number, /^Number/);
    const action = attr(dial, "action")!;
    assert.equal(
      action,
      "/api/webhooks/twilio/status?direction=outbound&user=care4w-1000001&phone=%2B447700900123",
    );
    // Twilio posts the Dial's outcome to the action URL, and retries it.
    const outcome = { CallSid: SID, DialCallStatus: "completed", DialCallDuration: "73" };
    for (let i = 0; i < 2; i++) {
      const status = await t.app.request(action, signedPost(action, outcome));
      assert.equal(status.status, 200);
      assert.deepEqual(verbs(await status.text()), ["Hangup/"]);
    }
    const history = await (await t.app.request("/api/calls/history", { headers: { cookie: ann } }))
      .json();
    assert.equal(history.pagination.total, 1, "once, though Twilio posted twice");
    assert.deepEqual(
      {
        mode: history.calls[0].mode,
        status: history.calls[0].status,
        direction: history.calls[0].direction,
        duration: history.calls[0].duration,
        phone: history.calls[0].otherParty.phone,
      },
      {
        mode: "twilio",
        status: "completed",
        direction: "outbound",
        duration: 73,
        phone: "+447700900123",
      },
    );
  });
});

Deno.test("a call in to the organisation's number asks for a CareFlow number, rings that user, and a missed call is in their history", async () => {
  await withApp(async (t, ann) => {
    const inbound = phoneCall("+447700900999");
    const voice = await t.app.request(
      "/api/webhooks/twilio/voice",
      signedPost("/api/webhooks/twilio/voice", inbound),
    );
    const [gather] = verbs(await voice.text());
    assert.equal(attr(gather, "numDigits"), "7");
    const gatherPath = attr(gather, "action")!;

    const wrong = await t.app.request(
      gatherPath,
      signedPost(gatherPath, { ...inbound, Digits: "9999999" }),
    );
    const [again] = verbs(await wrong.text());
    assert.equal(attr(again, "action"), "/api/webhooks/twilio/gather?attempt=2");

    const right = await t.app.request(
      gatherPath,
      signedPost(gatherPath, { ...inbound, Digits: "1000001" }),
    );
    const [dial, client] = verbs(await right.text());
    assert.equal(attr(dial, "timeout"), "25");
    assert.match(client, /^Client/);
    assert.match(
      await (await t.app.request(
        gatherPath,
        signedPost(gatherPath, { ...inbound, Digits: "1000001" }),
      )).text(),
      /<Client><Identity>care4w-1000001<\/Identity><Parameter name="callerName" value="\+447700900999"\/><Parameter name="callerId" value="\+447700900999"\/><\/Client>/,
    );
    const action = attr(dial, "action")!;
    await t.app.request(action, signedPost(action, { ...inbound, DialCallStatus: "no-answer" }));
    const history = await (await t.app.request("/api/calls/history", { headers: { cookie: ann } }))
      .json();
    assert.equal(history.calls.length, 1);
    assert.equal(history.calls[0].status, "missed");
    assert.equal(history.calls[0].direction, "inbound");
    assert.equal(history.calls[0].otherParty.phone, "+447700900999");
  });
});

Deno.test("after three wrong numbers the caller is told and the call ends", async () => {
  await withApp(async (t) => {
    const path = "/api/webhooks/twilio/gather?attempt=3";
    const answer = await t.app.request(path, signedPost(path, { CallSid: SID, Digits: "12" }));
    assert.deepEqual(verbs(await answer.text()).map((v) => v.split(" ")[0]), ["Say", "Hangup/"]);
  });
});

Deno.test("a browser call from an unknown identity, or to something that is no phone number, is refused by voice", async () => {
  await withApp(async (t) => {
    for (
      const [from, to] of [["client:care4w-1999999", "+447700900123"], [
        "client:care4w-1000001",
        "12345",
      ]]
    ) {
      const path = "/api/webhooks/twilio/voice";
      const answer = await t.app.request(
        path,
        signedPost(path, browserCall(from, to)),
      );
      assert.deepEqual(verbs(await answer.text()).map((v) => v.split(" ")[0]), ["Say", "Hangup/"]);
    }
  });
});

Deno.test("without Twilio configured the webhooks do not exist", async () => {
  const t = createTestApp();
  try {
    const path = "/api/webhooks/twilio/voice";
    const answer = await t.app.request(
      path,
      signedPost(path, { CallSid: SID, From: "x", To: "y" }),
    );
    assert.equal(answer.status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("/api/token carries a Twilio Voice token for the user's identity, an hour long", async () => {
  await withApp(async (t, ann) => {
    const body = await (await t.app.request("/api/token", { headers: { cookie: ann } })).json();
    assert.equal(body.twilio.identity, "care4w-1000001");
    const [, payload] = body.twilio.token.split(".");
    const claims = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")));
    assert.equal(claims.iss, TWILIO_ENV.TWILIO_API_KEY);
    assert.equal(claims.sub, TWILIO_ENV.TWILIO_ACCOUNT_SID);
    assert.equal(claims.grants.identity, "care4w-1000001");
    assert.deepEqual(claims.grants.voice, {
      incoming: { allow: true },
      outgoing: { application_sid: TWILIO_ENV.TWILIO_TWIML_APP_SID },
    });
    assert.ok(Math.abs(claims.exp - claims.nbf - 3605) <= 5, "about one hour");
    assert.ok(!t.logs.join("\n").includes(body.twilio.token), "never logged");
    const plain = createTestApp();
    try {
      const cookie = await plain.signup("bob@example.org");
      const none = await (await plain.app.request("/api/token", { headers: { cookie } })).json();
      assert.equal(none.twilio, undefined);
    } finally {
      await plain.close();
    }
  });
});

Deno.test("a browser call that did not come through our TwiML app, or names two callers, is refused", async () => {
  await withApp(async (t) => {
    const path = "/api/webhooks/twilio/voice";
    const genuine = browserCall("client:care4w-1000001", "+447700900123");
    for (
      const params of [
        { ...genuine, ApplicationSid: `AP${"9".repeat(32)}` },
        { ...genuine, Caller: "client:care4w-1000002" },
        { ...genuine, AccountSid: `AC${"9".repeat(32)}` },
      ]
    ) {
      const answer = await t.app.request(path, signedPost(path, params));
      assert.deepEqual(verbs(await answer.text()).map((v) => v.split(" ")[0]), ["Say", "Hangup/"]);
    }
    const dialled = await t.app.request(path, signedPost(path, genuine));
    assert.match(verbs(await dialled.text())[0], /^Dial /);
  });
});

Deno.test("a call in from a colleague's registered personal phone shows their name, to the callee and in the history", async () => {
  await withApp(async (t, ann) => {
    const bob = await t.signup("bob@example.org", "Bob Nurse");
    const registered = await t.app.request("/api/me/settings", {
      method: "PATCH",
      body: JSON.stringify({ personalPhone: "+44 7700 900555" }),
      headers: { cookie: bob, "content-type": "application/json" },
    });
    assert.equal(registered.status, 200);
    const inbound = phoneCall("+447700900555");
    const gather = "/api/webhooks/twilio/gather?attempt=1";
    const ring = await t.app.request(gather, signedPost(gather, { ...inbound, Digits: "1000001" }));
    const ringing = await ring.text();
    assert.match(ringing, /<Parameter name="callerName" value="Bob Nurse"\/>/);
    assert.match(ringing, /<Parameter name="callerId" value="care4w-1000002"\/>/);
    // What reaches the browsers: the Client's parameters, and Twilio's From (the Dial's callerId).
    const client = ringing.match(/<Client>.*<\/Client>/)![0];
    assert.doesNotMatch(client, /900555/, "the personal number stays private");
    assert.equal(attr(verbs(ringing)[0], "callerId"), TWILIO_ENV.TWILIO_PHONE_NUMBER);
    const action = attr(
      verbs(
        await (await t.app.request(
          gather,
          signedPost(gather, { ...inbound, Digits: "1000001" }),
        )).text(),
      )[0],
      "action",
    )!;
    await t.app.request(
      action,
      signedPost(action, { ...inbound, DialCallStatus: "completed", DialCallDuration: "30" }),
    );
    const history = await (await t.app.request("/api/calls/history", { headers: { cookie: ann } }))
      .json();
    assert.equal(history.calls[0].otherParty.displayName, "Bob Nurse");
    assert.equal(history.calls[0].otherParty.care4wId, "care4w-1000002");
    assert.equal(history.calls[0].otherParty.phone, null);
    // A number nobody registered is shown as the number.
    const stranger = phoneCall("+447700900777");
    const unknown = await t.app.request(
      gather,
      signedPost(gather, { ...stranger, Digits: "1000001" }),
    );
    assert.match(await unknown.text(), /value="\+447700900777"/);
  });
});

Deno.test("a browser call to a country the organisation does not allow is refused by voice", async () => {
  await withApp(async (t, ann) => {
    for (const to of ["+882123456789", "+2348012345678"]) {
      const response = await t.app.request(
        "/api/webhooks/twilio/voice",
        signedPost("/api/webhooks/twilio/voice", browserCall("client:care4w-1000001", to)),
      );
      const twiml = await response.text();
      assert.doesNotMatch(twiml, /<Dial/, to);
      assert.match(twiml, /not allowed/);
    }
    const token = await (await t.app.request("/api/token", { headers: { cookie: ann } })).json();
    assert.deepEqual(token.twilio.allowedPrefixes, ["+44", "+1"]);
  });
});

/**
 * The Twilio engine in a real Chromium, end to end: the web app with Twilio configured, the Voice
 * SDK's signaling routed to a stand-in for Twilio's gateway (`testing/twilio-gateway.ts`, which
 * posts CareFlow's signed webhooks and runs the TwiML they answer), outside phones as Chromium
 * pages with real media, and Twilio's REST API stood in for by a local server (recordings).
 * Twilio's own media edge is the one part no test here runs: the outside phone's page is where
 * its RTP would come from.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { eventually } from "../../testing/eventually.ts";
import { loadConfig } from "../config.ts";
import { launchChromium, watchErrors } from "../testing/browser.ts";
import { openOutsidePhone, type OutsidePhone } from "../testing/outside-phone.ts";
import {
  history,
  inboundAudioBytes,
  openPhone,
  patchOwnSettings,
  type PhoneUser,
  waitForStatus,
} from "../testing/phone-kit.ts";
import { type RunningServer, startServer } from "../testing/server.ts";
import { startTwilioStandIn, TWILIO_ENV, type TwilioStandIn } from "../testing/twilio.ts";
import { startTwilioGateway, type TwilioGateway } from "../testing/twilio-gateway.ts";
import { createTwilioMedia } from "../twilio/media.ts";

const RING_TIMEOUT_SECONDS = 5;
const PHONE = "+447700900123";
const recordingUrl = (sid: string) =>
  `https://api.twilio.com/2010-04-01/Accounts/${TWILIO_ENV.TWILIO_ACCOUNT_SID}/Recordings/${sid}`;

/**
 * The Voice SDK sends tones in the media (RTCDTMFSender, RFC 4733), as real Twilio wants them:
 * the page keeps what it inserted, so a test sees which tones left the browser.
 */
const TRACK_TONES = `(() => {
  const insert = RTCDTMFSender.prototype.insertDTMF;
  window.__tones = "";
  RTCDTMFSender.prototype.insertDTMF = function (tones, ...rest) {
    window.__tones += tones;
    return insert.call(this, tones, ...rest);
  };
  // And what the SDK asks of the microphone (the user's voice processing settings).
  window.__constraints = [];
  const media = navigator.mediaDevices;
  const ask = media.getUserMedia.bind(media);
  media.getUserMedia = (constraints) => { window.__constraints.push(constraints); return ask(constraints); };
})()`;

/** A free loopback port, so the app's PUBLIC_URL can be its real address. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

interface World {
  standIn: TwilioStandIn;
  server: RunningServer;
  gateway: TwilioGateway;
  browser: Browser;
  phone: OutsidePhone;
}

/** A user whose browser context talks to the gateway, with the dashboard open. */
const openUser = (w: World, name: string) =>
  openPhone(w.browser, w.server.url, name, async (context) => {
    await context.addInitScript(TRACK_TONES);
    await w.gateway.attach(context);
  });

async function typeNumber(user: PhoneUser, number: string) {
  await user.page.getByLabel("Number or CareFlow ID").fill(number);
}

/** Audio arrives on both sides: the user's page and the outside phone. */
async function audioBothWays(user: PhoneUser, phone: OutsidePhone) {
  await eventually("audio into the browser", async () => (await inboundAudioBytes(user.page)) > 0);
  await eventually("audio to the outside phone", async () => (await phone.inboundAudioBytes()) > 0);
}

/** A call to a phone rings, connects with audio, mutes, sends tones, ends. */
async function callToPhone(w: World) {
  const { server, gateway, phone } = w;
  const ann = await openUser(w, "Ann Carer");
  // Her settings ask for no echo cancellation: the SDK's microphone is opened that way.
  await patchOwnSettings(ann, server.url, { audio: { echoCancellation: false } });
  await ann.page.reload();
  const errors = watchErrors(ann.page);
  await eventually(
    "Ann's Device to register",
    () => gateway.registered(ann.care4wId) >= 1,
  );
  await waitForStatus(ann.page, "Ready");
  // The organisation's toll-fraud guard, told before anything is dialled.
  await typeNumber(ann, "+882 123 456 789");
  await ann.page.getByTestId("dial-hint").filter({ hasText: "not allowed" }).waitFor();
  assert.ok(await ann.page.getByRole("button", { name: "Call", exact: true }).isDisabled());
  await typeNumber(ann, "+44 7700 900123");
  await ann.page.getByTestId("dial-hint").filter({ hasText: `Phone number ${PHONE}` })
    .waitFor();
  await ann.page.getByRole("button", { name: "Call", exact: true }).click();
  await waitForStatus(ann.page, "Connected");
  await audioBothWays(ann, phone);
  const asked = await ann.page.evaluate("window.__constraints") as MediaStreamConstraints[];
  assert.ok(
    asked.some((c) => (c.audio as MediaTrackConstraints)?.echoCancellation === false),
    JSON.stringify(asked),
  );
  // The TwiML CareFlow answered: the organisation's number as caller ID, to the number.
  assert.match(
    gateway.twiml[0],
    new RegExp(`callerId="\\${TWILIO_ENV.TWILIO_PHONE_NUMBER}"`),
  );
  assert.match(gateway.twiml[0], new RegExp(`<Number>\\${PHONE}</Number>`));

  await ann.page.getByRole("button", { name: "Mute", exact: true }).click();
  await waitForStatus(ann.page, "Connected · muted");
  await ann.page.getByRole("button", { name: "Unmute", exact: true }).click();
  await waitForStatus(ann.page, /^Connected$/);
  // Hold is not offered through Twilio, and the screen says so.
  assert.equal(await ann.page.getByRole("button", { name: "Hold" }).isDisabled(), true);
  await ann.page.getByTestId("hold-unavailable").waitFor();
  await ann.page.getByRole("button", { name: "Keypad" }).click();
  for (const key of ["1", "#"]) {
    await ann.page.getByRole("group", { name: "Send tones" }).getByRole("button", {
      name: key,
      exact: true,
    }).click();
  }
  // In the media when the browser can (it can here), else over signaling.
  const signaled = () =>
    gateway.received.filter((m) => m.type === "dtmf").map((m) => m.payload.dtmf).join("");
  await eventually(
    "the tones to leave for Twilio",
    async () => `${await ann.page.evaluate("window.__tones")}${signaled()}` === "1#",
  );

  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(ann.page, "Ended: Call ended");
  const [callSid] = gateway.callSids().slice(-1);
  await gateway.finished(callSid);
  const { calls } = await history(ann, server.url);
  assert.equal(calls.length, 1, "one record of the call");
  assert.equal(calls[0].direction, "outbound");
  assert.equal(calls[0].status, "completed");
  assert.equal(calls[0].otherParty.phone, PHONE);
  assert.deepEqual(errors, []);
  await ann.context.close();
}

/** A busy number ends as No answer or busy, recorded as busy. */
async function busyNumber(w: World) {
  const { server, gateway, phone } = w;
  const ann = await openUser(w, "Ann Busy");
  await eventually("registered", () => gateway.registered(ann.care4wId) === 1);
  phone.behaviour = "busy";
  await typeNumber(ann, PHONE);
  await ann.page.getByRole("button", { name: "Call", exact: true }).click();
  await waitForStatus(ann.page, "Ended: No answer or busy");
  await eventually(
    "a busy record",
    async () => (await history(ann, server.url)).calls[0]?.status === "busy",
  );
  phone.behaviour = "answer";
  await ann.context.close();
}

/** A call in rings every tab of the user, one answers, audio flows. */
async function callInRingsEveryTab(w: World) {
  const { server, gateway, phone } = w;
  const bob = await openUser(w, "Bob Nurse");
  const second = await bob.context.newPage();
  await second.goto(`${server.url}/dashboard`);
  await waitForStatus(second, "Ready");
  await eventually("both tabs registered", () => gateway.registered(bob.care4wId) === 2);
  const callSid = await gateway.callIn(phone, bob.care4wId.slice("care4w-".length));
  for (const page of [bob.page, second]) {
    await waitForStatus(page, "Incoming call");
    assert.equal(await page.getByTestId("caller-name").textContent(), PHONE);
  }
  await bob.page.getByRole("button", { name: "Answer" }).click();
  await waitForStatus(bob.page, "Connected");
  await waitForStatus(second, "Stopped ringing");
  await audioBothWays(bob, phone);
  await gateway.hangUpFromPhone(callSid);
  await waitForStatus(bob.page, "Ended: Call ended");
  await gateway.finished(callSid);
  const { calls } = await history(bob, server.url);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].direction, "inbound");
  assert.equal(calls[0].status, "completed");
  assert.equal(calls[0].otherParty.phone, PHONE);
  await bob.context.close();
}

/** A call in nobody answers goes to voicemail, once in the inbox. */
async function voicemailWhenUnanswered(w: World) {
  const { standIn, server, gateway, phone } = w;
  const cara = await openUser(w, "Cara Aide");
  await eventually("registered", () => gateway.registered(cara.care4wId) === 1);
  const callSid = await gateway.callIn(phone, cara.care4wId.slice("care4w-".length));
  await waitForStatus(cara.page, "Incoming call");
  await waitForStatus(cara.page, "Stopped ringing", (RING_TIMEOUT_SECONDS + 10) * 1000);
  const recordingSid = await gateway.leaveMessage(callSid, recordingUrl);
  const inbox = async () =>
    (await (await cara.context.request.get(`${server.url}/api/recordings?type=voicemail`))
      .json()).recordings as { id: string; status: string }[];
  await eventually(
    "the message in Cara's inbox",
    async () => (await inbox())[0]?.status === "active",
  );
  assert.equal((await inbox()).length, 1);
  assert.ok(
    standIn.requests.some((r) => r.method === "DELETE" && r.path.includes(recordingSid)),
  );
  assert.equal((await history(cara, server.url)).calls[0]?.status, "missed");
  await cara.context.close();
}

/** A refused token and an unreachable Twilio are told, ID calls still work. */
async function tokenRefusedOrUnreachable(w: World) {
  const { server, gateway } = w;
  const dan = await openPhone(w.browser, server.url, "Dan Porter"); // no gateway: unreachable
  await typeNumber(dan, PHONE);
  await dan.page.getByTestId("dial-hint").filter({ hasText: "Twilio cannot be reached" })
    .waitFor({ timeout: 30_000 });
  assert.equal(
    await dan.page.getByRole("button", { name: "Call", exact: true }).isDisabled(),
    true,
  );
  await waitForStatus(dan.page, "Ready");
  await dan.context.close();

  gateway.refuseTokens = true;
  const eve = await openUser(w, "Eve Refused");
  await typeNumber(eve, PHONE);
  await eve.page.getByTestId("dial-hint").filter({
    hasText: "refused this phone's sign-in",
  })
    .waitFor();
  gateway.refuseTokens = false;
  await eve.context.close();
}

/** A recorded call says so and lands in recordings; devices; token renewed. */
async function recordedCall(w: World) {
  const { server, gateway } = w;
  gateway.tokenTtlSeconds = 11;
  const hal = await openUser(w, "Hal Carer");
  gateway.tokenTtlSeconds = undefined;
  const on = await hal.context.request.patch(`${server.url}/api/me/settings`, {
    data: { recordCalls: true },
    headers: { origin: server.url },
  });
  assert.equal(on.status(), 200);
  await hal.page.reload();
  await waitForStatus(hal.page, "Ready");
  await typeNumber(hal, PHONE);
  await hal.page.getByRole("button", { name: "Call", exact: true }).click();
  await waitForStatus(hal.page, "Connected");
  await hal.page.getByTestId("recording-indicator").waitFor();
  await hal.page.getByRole("button", { name: "Audio" }).click();
  const microphones = hal.page.getByLabel("Microphone").locator("option");
  await eventually("a microphone to choose", async () => (await microphones.count()) > 0);
  await hal.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(hal.page, "Ended: Call ended");
  const recordings = async () =>
    (await (await hal.context.request.get(`${server.url}/api/recordings?type=call`)).json())
      .recordings as { status: string }[];
  await eventually(
    "the recording in Hal's list",
    async () => (await recordings())[0]?.status === "active",
  );
  assert.equal((await recordings()).length, 1);
  // The first token was said to end within 11 s: the engine fetched and sent a new one.
  const listens = gateway.received.filter((m) =>
    m.type === "listen" && m.identity === hal.care4wId
  );
  assert.ok(listens.length >= 2, `${listens.length} listen(s)`);
  await hal.context.close();
}

/** A colleague registers their phone in Settings; their call in shows them. */
async function personalPhoneCallIn(w: World) {
  const { server, gateway, phone } = w;
  const fay = await openUser(w, "Fay Carer");
  await fay.page.goto(`${server.url}/dashboard/settings`);
  await fay.page.getByLabel("Your personal phone").fill("+44 7700 900123");
  await fay.page.getByTestId("phone-check").filter({ hasText: "is available" }).waitFor();
  await fay.page.getByRole("button", { name: "Save" }).last().click();
  await fay.page.getByText(`Calls from ${PHONE} now show your name.`).waitFor();
  const gus = await openUser(w, "Gus Nurse");
  await eventually("registered", () => gateway.registered(gus.care4wId) === 1);
  const callSid = await gateway.callIn(phone, gus.care4wId.slice("care4w-".length));
  await waitForStatus(gus.page, "Incoming call");
  assert.equal(await gus.page.getByTestId("caller-name").textContent(), "Fay Carer");
  assert.equal(await gus.page.getByTestId("caller-id").textContent(), fay.care4wId);
  await gus.page.getByRole("button", { name: "Decline" }).click();
  await gateway.finished(callSid);
  await fay.context.close();
  await gus.context.close();
}

const STEPS: [string, (w: World) => Promise<void>][] = [
  ["a call to a phone rings, connects with audio, mutes, sends tones, ends", callToPhone],
  ["a busy number ends as No answer or busy, recorded as busy", busyNumber],
  ["a call in rings every tab of the user, one answers, audio flows", callInRingsEveryTab],
  ["a call in nobody answers goes to voicemail, once in the inbox", voicemailWhenUnanswered],
  [
    "a refused token and an unreachable Twilio are told, ID calls still work",
    tokenRefusedOrUnreachable,
  ],
  ["a recorded call says so and lands in recordings; devices; token renewed", recordedCall],
  ["a colleague registers their phone in Settings; their call in shows them", personalPhoneCallIn],
];

Deno.test({
  name: "the Twilio engine",
  // The gateway's routed sockets and Chromium outlive single steps by design.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const port = freePort();
    const standIn = await startTwilioStandIn();
    const env = {
      ...TWILIO_ENV,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      TWILIO_RING_TIMEOUT_SECONDS: String(RING_TIMEOUT_SECONDS),
    };
    const config = loadConfig({ DATA_DIR: "/nonexistent", ...env });
    const server = await startServer(env, {
      twilioMedia: createTwilioMedia(config.twilio!, {
        httpClient: standIn.httpClient,
        fetchImpl: standIn.fetchImpl,
      }),
    });
    const gateway = startTwilioGateway(server.url);
    gateway.recordingUrl = recordingUrl;
    const browser = await launchChromium({ media: true });
    const phone = await openOutsidePhone(browser, server.url, PHONE);
    gateway.phones.set(PHONE, phone);
    const w: World = { standIn, server, gateway, browser, phone };
    try {
      for (const [name, step] of STEPS) await t.step(name, () => step(w));
    } finally {
      await browser.close();
      await server.close();
      await standIn.close();
    }
  },
});

Deno.test("without Twilio configured, the dashboard loads none of it", async () => {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const scripts: string[] = [];
    const sockets: string[] = [];
    const ann = await openPhone(browser, server.url, "Ann Carer", (context) => {
      context.on("response", async (response) => {
        if (response.request().resourceType() === "script") scripts.push(await response.text());
      });
      context.on(
        "page",
        (page) => page.on("websocket", (socket) => void sockets.push(socket.url())),
      );
      return Promise.resolve();
    });
    const token = await (await ann.context.request.get(`${server.url}/api/token`)).json();
    assert.equal(token.twilio, undefined);
    await typeNumber(ann, PHONE);
    await ann.page.getByTestId("dial-hint").filter({ hasText: "No outside line is set up" })
      .waitFor();
    assert.ok(scripts.length > 0);
    assert.ok(!scripts.some((s) => s.includes("voice-js.")), "no script carries the Voice SDK");
    assert.ok(!sockets.some((url) => url.includes("twilio.com")), sockets.join(", "));
  } finally {
    await browser.close();
    await server.close();
  }
});

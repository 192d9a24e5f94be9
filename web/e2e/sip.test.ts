/**
 * The dashboard in `sip` mode on the real SIP stack: Chromium registers over WebSocket to
 * Kamailio with the ephemeral credentials of /api/token, and calls a baresip phone (registered
 * with the password from /api/sip/credentials) by CareFlow ID, media through RTPEngine. Both
 * sides connect and audio bytes flow into the browser.
 *
 * Then a baresip phone calls the browser, which answers, holds (the phone's audio stops arriving),
 * resumes and sends DTMF the phone receives.
 *
 * Real processes: redis-server, rtpengine, kamailio (tools/stack), the agent (bun), the web app,
 * baresip and chromium. A missing one makes the test fail, never skip. Every port is a free one
 * (the stack's, and baresip's from the allocator).
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { eventually, sleep } from "../../testing/eventually.ts";
import { type SipWeb, startSipWeb } from "../testing/sip-web.ts";
import { writeTone } from "../../pbx/testing/audio.ts";
import { type Baresip, type BaresipOptions, startBaresip } from "../../pbx/testing/baresip.ts";
import { registeredAors } from "../../pbx/testing/kit.ts";
import { launchChromium } from "../testing/browser.ts";
import {
  inboundAudioBytes,
  openPhone,
  type PhoneUser,
  waitForStatus,
} from "../testing/phone-kit.ts";
import { sessionCookie } from "../testing/app.ts";

const DOMAIN = "careflow.e2e";

/** Signs up through the API and creates the user's SIP phone password. */
async function phoneUser(base: string, name: string) {
  const signup = await fetch(`${base}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: `${name.toLowerCase()}-${crypto.randomUUID()}@example.org`,
      password: "a long enough password",
      displayName: name,
    }),
  });
  assert.equal(signup.status, 201, await signup.clone().text());
  const { user } = await signup.json();
  const cookie = sessionCookie(signup);
  const created = await fetch(`${base}/api/sip/credentials`, {
    method: "POST",
    headers: { cookie, origin: base },
  });
  assert.equal(created.status, 200, await created.clone().text());
  const credentials = await created.json();
  return { care4wId: user.care4wId as string, name, password: credentials.password as string };
}

/** What the calls share; the test ends every phone, the browser and the stack. */
interface Scene {
  web: SipWeb;
  phones: Baresip[];
  browser?: Browser;
}

/** A baresip phone for `user`, playing a tone of `hz` into its calls. */
async function startPhone(
  scene: Scene,
  user: Awaited<ReturnType<typeof phoneUser>>,
  hz: number,
  extra: Partial<BaresipOptions>,
): Promise<Baresip> {
  const { stack } = scene.web;
  const dir = `${stack.workDir}/${user.name.toLowerCase()}`;
  await writeTone(`${dir}.wav`, hz, 30);
  const phone = await startBaresip({
    dir,
    user: user.care4wId,
    domain: DOMAIN,
    authUser: user.care4wId,
    password: user.password,
    proxy: `127.0.0.1:${stack.ports.sip}`,
    toneWav: `${dir}.wav`,
    quitAfter: 90,
    ...extra,
  });
  scene.phones.push(phone);
  return phone;
}

/** Waits until the browser's call is connected; if it is not, says where it stuck. */
async function connected(page: PhoneUser["page"], rtpengineLog: string) {
  await waitForStatus(page, "Connected", 20_000).catch(async (error) => {
    // Say where it stuck: ICE vs DTLS on the browser side, and what RTPEngine said.
    const states = await page.evaluate(() => {
      // deno-lint-ignore no-explicit-any
      const pc = (globalThis as any).__peers.at(-1) as RTCPeerConnection | undefined;
      return `connection=${pc?.connectionState} ice=${pc?.iceConnectionState}`;
    });
    const rtpengine = await Deno.readTextFile(rtpengineLog);
    throw new Error(`${error.message}\nbrowser ${states}\nrtpengine:\n${rtpengine.slice(-1500)}`);
  });
}

/** Ann's dashboard calls Bob's phone; audio flows into the browser; Ann hangs up. */
async function browserCallsPhone(scene: Scene): Promise<PhoneUser> {
  const { stack, server } = scene.web;
  const bob = await phoneUser(server.url, "Bob");
  const phone = await startPhone(scene, bob, 600, { autoAnswer: true });
  await eventually(
    "baresip's registration",
    async () => (await registeredAors(stack.rpc)).includes(bob.care4wId),
  );

  const browser = scene.browser = await launchChromium({ media: true });
  // "Ready" in sip mode means sip.js is registered to Kamailio over the WebSocket.
  const ann = await openPhone(browser, server.url, "Ann");
  await eventually(
    "the browser's registration",
    async () => (await registeredAors(stack.rpc)).includes(ann.care4wId),
  );

  await ann.page.getByLabel("Number or CareFlow ID").fill(bob.care4wId);
  await ann.page.getByTestId("callee-name").filter({ hasText: "Bob" }).waitFor();
  await ann.page.getByRole("button", { name: "Call", exact: true }).click();
  await connected(ann.page, `${stack.workDir}/rtpengine.log`);
  await eventually("Bob's phone to answer", async () => {
    return new RegExp(`Call established: sip:${ann.care4wId}@`).test(await phone.log());
  });

  let first = 0;
  await eventually("audio into the browser", async () => {
    first = await inboundAudioBytes(ann.page);
    return first > 0;
  });
  await eventually(
    "audio to keep flowing",
    async () => (await inboundAudioBytes(ann.page)) > first,
  );

  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(ann.page, "Ended: Call ended");
  await eventually("Bob's phone to hang up", async () => {
    return /closed|terminated|BYE/i.test((await phone.log()).split("Call established")[1] ?? "");
  });
  await waitForStatus(ann.page, "Ready");
  return ann;
}

/** Carol's phone calls Ann's dashboard, which answers, holds, resumes and sends DTMF. */
async function phoneCallsBrowser(scene: Scene, ann: PhoneUser) {
  const carol = await phoneUser(scene.web.server.url, "Carol");
  const caller = await startPhone(scene, carol, 700, {
    commands: [`/dial sip:${ann.care4wId}@${DOMAIN}`],
  });
  await waitForStatus(ann.page, "Incoming call");
  await ann.page.getByText(carol.care4wId).first().waitFor();
  await ann.page.getByRole("button", { name: "Answer" }).click();
  await waitForStatus(ann.page, "Connected", 20_000);
  const flowing = async () => {
    const before = await inboundAudioBytes(ann.page);
    await sleep(1000);
    return (await inboundAudioBytes(ann.page)) > before;
  };
  await eventually("Carol's audio into the browser", flowing);

  await ann.page.getByRole("button", { name: "Hold" }).click();
  await waitForStatus(ann.page, "On hold");
  // The hold re-INVITE went through Kamailio and RTPEngine: the phone's audio stops arriving.
  await eventually("audio to stop while on hold", async () => !(await flowing()));
  await ann.page.getByRole("button", { name: "Resume" }).click();
  await waitForStatus(ann.page, "Connected");
  await eventually("audio to flow again after resuming", flowing);

  await ann.page.getByRole("button", { name: "Keypad" }).click();
  const tones = ann.page.getByRole("group", { name: "Send tones" });
  await tones.getByRole("button", { name: "5", exact: true }).click();
  await tones.getByRole("button", { name: "#", exact: true }).click();
  await eventually("the phone to receive the tones", async () => {
    const log = await caller.log();
    // RFC 4733 events in the media ("received event") or SIP INFO ("received DTMF").
    return /received (event|DTMF): '5'/.test(log) && /received (event|DTMF): '#'/.test(log);
  }).catch(async (error) => {
    const lines = (await caller.log()).split(/[\r\n]+/).filter((l) =>
      /dtmf|telephone|sdp|offer|answer|info/i.test(l)
    );
    throw new Error(`${error.message}; the phone's log:\n${lines.join("\n").slice(-3000)}`);
  });

  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(ann.page, "Ended: Call ended");
}

Deno.test({
  name:
    "sip mode: the dashboard registers over WS, calls a phone, and answers, holds and sends DTMF",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const scene: Scene = { web: await startSipWeb({ domain: DOMAIN }), phones: [] };
    try {
      const ann = await browserCallsPhone(scene);
      await phoneCallsBrowser(scene, ann);
    } finally {
      for (const phone of scene.phones.reverse()) await phone.stop();
      await scene.browser?.close().catch(() => {});
      await scene.web.stop();
    }
  },
});

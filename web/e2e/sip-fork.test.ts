/**
 * A call forks to every device of the callee at once, and each branch has its own RTPEngine
 * session: Bob has the dashboard open in sip mode (Chromium, WebRTC over WS with ephemeral
 * credentials) and a baresip phone registered with his SIP password, so one INVITE goes to a
 * DTLS-SRTP/ICE device and a plain-RTP device. Ann (a baresip phone) calls Bob twice: the browser
 * answers the first call (the phone is cancelled) and the phone the second (the browser stops
 * ringing). Whichever device answers, the media must be set up for that device and audio flows,
 * and once the call ends RTPEngine holds nothing of it (no branch left allocated).
 *
 * Real processes: redis-server, rtpengine, kamailio (tools/stack), the agent (bun), the web app,
 * baresip and chromium. A missing one makes the test fail, never skip. Every port is a free one
 * (the stack's, and baresip's from the allocator).
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { eventually, sleep } from "../../testing/eventually.ts";
import { kamailioRpc, type KamailioRpcTarget, rtpengineCalls } from "../../tools/stack/stack.ts";
import { type SipWeb, startSipWeb } from "../testing/sip-web.ts";
import { assertHears, writeTone } from "../../pbx/testing/audio.ts";
import { type Baresip, type BaresipOptions, startBaresip } from "../../pbx/testing/baresip.ts";
import { launchChromium } from "../testing/browser.ts";
import {
  createSipPassword,
  inboundAudioBytes,
  openPhone,
  type PhoneUser,
  waitForStatus,
} from "../testing/phone-kit.ts";

const DOMAIN = "careflow.fork";
const ANN_TONE = 1000;
const BOB_TONE = 400;

/** The state of the phone's call with `peer` as baresip lists it (INCOMING, ESTABLISHED...). */
async function callState(phone: Baresip, peer: string): Promise<string | null> {
  const listing = await phone.command("listcalls");
  return new RegExp(`(\\w+)\\s+sip:${peer}@`).exec(listing)?.[1] ?? null;
}

/** How many contacts an AOR has in Kamailio's location table. */
async function contacts(rpc: KamailioRpcTarget, aor: string): Promise<number> {
  const entry = await kamailioRpc(rpc, "ul.lookup", ["location", aor]);
  return (entry as { Contacts: unknown[] }).Contacts.length;
}

/** The recording of the phone's newest call. */
async function lastHeard(phone: Baresip): Promise<string> {
  const wavs: { path: string; mtime: number }[] = [];
  for await (const entry of Deno.readDir(phone.dir)) {
    if (!/^dump-.*-dec\.wav$/.test(entry.name)) continue;
    const path = `${phone.dir}/${entry.name}`;
    wavs.push({ path, mtime: (await Deno.stat(path)).mtime?.getTime() ?? 0 });
  }
  assert.ok(wavs.length > 0, `${phone.dir}: no recording`);
  return wavs.sort((a, b) => b.mtime - a.mtime)[0].path;
}

/** Bob with the dashboard open and a baresip phone; Ann with a phone only. */
interface Scene {
  web: SipWeb;
  phones: Baresip[];
  browser?: Browser;
}

/** The parties once everyone is registered. */
interface Parties {
  bob: PhoneUser;
  bobPhone: Baresip;
  annId: string;
  annPhone: Baresip;
}

/** A controllable baresip phone through the stack, recording what it hears. */
async function startPhone(
  scene: Scene,
  name: string,
  o: Pick<BaresipOptions, "user" | "password" | "earlyMedia">,
): Promise<Baresip> {
  const dir = `${scene.web.stack.workDir}/${name}`;
  const phone = await startBaresip({
    dir,
    domain: DOMAIN,
    authUser: o.user,
    proxy: `127.0.0.1:${scene.web.stack.ports.sip}`,
    toneWav: `${dir}.wav`,
    quitAfter: 120,
    control: true,
    ...o,
  });
  scene.phones.push(phone);
  return phone;
}

/** Bob's browser registers first, then his phone: two contacts, two branches per call. Then Ann. */
async function registerEveryone(scene: Scene): Promise<Parties> {
  const { stack, server } = scene.web;
  await writeTone(`${stack.workDir}/ann.wav`, ANN_TONE, 60);
  await writeTone(`${stack.workDir}/bob.wav`, BOB_TONE, 60);
  const browser = scene.browser = await launchChromium({ media: true });
  const bob = await openPhone(browser, server.url, "Bob");
  const bobPhone = await startPhone(scene, "bob", {
    user: bob.care4wId,
    password: await createSipPassword(bob, server.url),
    // Rings with early media (183 with SDP), so RTPEngine gets the phone's answer before the
    // browser's. With plain 180s one shared session happens to survive (the 200's SDP rebuilds
    // the leg); after a 183 only a session per branch lets the browser connect.
    earlyMedia: true,
  });
  await eventually(
    "Bob's browser and phone to be registered",
    async () => (await contacts(stack.rpc, bob.care4wId)) === 2,
  );

  // Ann is a SIP phone only: an account through the API (no dashboard) and its SIP password.
  const annContext = await browser.newContext();
  const signup = await annContext.request.post(`${server.url}/api/auth/signup`, {
    data: {
      email: `ann-${crypto.randomUUID()}@example.org`,
      password: "a long enough password",
      displayName: "Ann",
    },
  });
  assert.equal(signup.status(), 201, await signup.text());
  const annId = (await signup.json()).user.care4wId as string;
  const annPhone = await startPhone(scene, "ann", {
    user: annId,
    password: await createSipPassword({ context: annContext }, server.url),
  });
  await eventually("Ann's registration", async () => (await contacts(stack.rpc, annId)) === 1);
  return { bob, bobPhone, annId, annPhone };
}

/** Ann dials Bob: both of his devices ring. */
async function annDialsBob({ bob, bobPhone, annId, annPhone }: Parties, again = "") {
  await annPhone.command("dial", `sip:${bob.care4wId}@${DOMAIN}`);
  await waitForStatus(bob.page, "Incoming call");
  await eventually(
    `Bob's phone to ring${again}`,
    async () => (await callState(bobPhone, annId)) === "INCOMING",
  );
}

/** Deleted calls leave RTPEngine at once (delete delay 0): one still listed was never released. */
function released(scene: Scene) {
  return eventually("RTPEngine to release every branch of the call", async () => {
    return (await rtpengineCalls("127.0.0.1", scene.web.stack.ports.rtpengineNg)).length === 0;
  });
}

/** 1. Both of Bob's devices ring; the browser answers and the phone is cancelled. */
async function browserAnswers(scene: Scene, parties: Parties) {
  const { bob, bobPhone, annId, annPhone } = parties;
  await annDialsBob(parties);
  await bob.page.getByRole("button", { name: "Answer" }).click();
  await waitForStatus(bob.page, "Connected", 20_000).catch(async (error) => {
    // Say where it stuck: ICE vs DTLS on the browser side.
    const states = await bob.page.evaluate(() => {
      // deno-lint-ignore no-explicit-any
      const pc = (globalThis as any).__peers.at(-1) as RTCPeerConnection | undefined;
      return `connection=${pc?.connectionState} ice=${pc?.iceConnectionState}`;
    });
    throw new Error(`the browser did not connect: ${error.message}\nbrowser ${states}`);
  });
  const bytes = () => inboundAudioBytes(bob.page);
  let first = 0;
  await eventually("Ann's audio into the browser", async () => (first = await bytes()) > 0);
  await eventually("audio to keep flowing", async () => (await bytes()) > first);
  assert.equal(await callState(annPhone, bob.care4wId), "ESTABLISHED");
  await eventually(
    "Bob's phone to stop ringing (CANCEL)",
    async () => (await callState(bobPhone, annId)) === null,
  );
  await bob.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(bob.page, "Ended: Call ended");
  await eventually(
    "Ann's phone to hang up",
    async () => (await callState(annPhone, bob.care4wId)) === null,
  );
  // The callee hung up: the BYE deletes the answering branch, the cancelled one went on 487.
  await released(scene);
}

/** 2. Both ring again; this time the phone answers and the browser stops ringing. */
async function phoneAnswers(scene: Scene, parties: Parties) {
  const { bob, bobPhone, annId, annPhone } = parties;
  await annDialsBob(parties, " again");
  await bobPhone.command("accept");
  await waitForStatus(bob.page, "Ended: Answered on another device");
  await eventually(
    "the call between the phones",
    async () =>
      (await callState(annPhone, bob.care4wId)) === "ESTABLISHED" &&
      (await callState(bobPhone, annId)) === "ESTABLISHED",
  );
  // Let the tones flow, then Ann hangs up and both phones end (closing their recordings).
  await sleep(4000);
  await annPhone.command("hangup");
  await eventually(
    "Bob's phone to hang up",
    async () => (await callState(bobPhone, annId)) === null,
  );
  await released(scene);
  for (const phone of scene.phones) await phone.stop();
  await assertHears(await lastHeard(bobPhone), ANN_TONE, BOB_TONE, "Bob's phone");
  await assertHears(await lastHeard(annPhone), BOB_TONE, ANN_TONE, "Ann's phone");
}

Deno.test({
  name: "sip mode: a call forks to the browser and the SIP phone; either device can answer",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const web = await startSipWeb({
      domain: DOMAIN,
      // Deleted calls leave RTPEngine at once, so a call still listed was never released.
      rtpengineDeleteDelay: 0,
    });
    const scene: Scene = { web, phones: [] };
    try {
      const parties = await registerEveryone(scene);
      await browserAnswers(scene, parties);
      await phoneAnswers(scene, parties);
    } finally {
      for (const phone of scene.phones) await phone.stop();
      await scene.browser?.close().catch(() => {});
      await web.stop();
    }
  },
});

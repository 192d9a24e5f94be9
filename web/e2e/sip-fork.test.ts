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
 * baresip and chromium. A missing one makes the test fail, never skip. Ports: SIP 15300, WS 18300,
 * RPC 15380, ng 22260, media 31500-31699, redis 6440, agent 7410, baresip 16300-16359.
 */
import assert from "node:assert/strict";
import { rtpengineCalls } from "../../tools/stack/stack.ts";
import { eventually, startSipWeb } from "../testing/sip-web.ts";
import {
  decodePcm,
  dominantFrequency,
  rms,
  tonePower,
  writeTone,
} from "../../pbx/testing/audio.ts";
import { type Baresip, startBaresip } from "../../pbx/testing/baresip.ts";
import { rpc } from "../../pbx/testing/kit.ts";
import { launchChromium } from "../testing/browser.ts";
import {
  createSipPassword,
  inboundAudioBytes,
  openPhone,
  waitForStatus,
} from "../testing/phone-kit.ts";

const DOMAIN = "careflow.fork";
const SIP_PORT = 15300;
const AGENT_PORT = 7410;
const ANN_TONE = 1000;
const BOB_TONE = 400;

/** The state of the phone's call with `peer` as baresip lists it (INCOMING, ESTABLISHED...). */
async function callState(phone: Baresip, peer: string): Promise<string | null> {
  const listing = await phone.command("listcalls");
  return new RegExp(`(\\w+)\\s+sip:${peer}@`).exec(listing)?.[1] ?? null;
}

/** How many contacts an AOR has in Kamailio's location table. */
async function contacts(rpcUrl: string, aor: string): Promise<number> {
  return ((await rpc(rpcUrl, "ul.lookup", ["location", aor])) as { Contacts: unknown[] }).Contacts
    .length;
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

/** Checks that a recording carries `expected` Hz and not the recorder's own tone. */
async function assertHears(wav: string, expected: number, own: number, who: string) {
  // Skip the first second (jitter buffer fill) and look at the rest.
  const body = (await decodePcm(wav)).subarray(8000);
  assert.ok(body.length >= 8000 * 2, `${who}: recording too short (${body.length} samples)`);
  assert.ok(rms(body) > 0.05, `${who}: recording is silent (rms ${rms(body).toFixed(4)})`);
  assert.equal(dominantFrequency(body), expected, `${who}: dominant frequency`);
  assert.ok(tonePower(body, expected) > 100 * tonePower(body, own), `${who}: hears its own tone`);
}

Deno.test({
  name: "sip mode: a call forks to the browser and the SIP phone; either device can answer",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const web = await startSipWeb({
      ports: {
        sip: SIP_PORT,
        ws: 18300,
        rpc: 15380,
        redis: 6440,
        agent: AGENT_PORT,
        rtpengineNg: 22260,
        rtpMin: 31500,
        rtpMax: 31699,
      },
      domain: DOMAIN,
      webPort: 8300,
      // Deleted calls leave RTPEngine at once, so a call still listed was never released.
      rtpengineDeleteDelay: 0,
    });
    const { stack, server } = web;
    const released = () =>
      eventually("RTPEngine to release every branch of the call", async () => {
        return (await rtpengineCalls("127.0.0.1", 22260)).length === 0;
      });
    const cleanups: (() => Promise<unknown>)[] = [() => web.stop()];
    const phones: Baresip[] = [];
    try {
      const dir = stack.workDir;
      await writeTone(`${dir}/ann.wav`, ANN_TONE, 60);
      await writeTone(`${dir}/bob.wav`, BOB_TONE, 60);
      const proxy = `127.0.0.1:${SIP_PORT}`;

      // Bob's browser registers first, then his phone: two contacts, two branches per call.
      const browser = await launchChromium({ media: true });
      cleanups.unshift(() => browser.close());
      const bob = await openPhone(browser, server.url, "Bob");
      const bobPhone = await startBaresip({
        dir: `${dir}/bob`,
        user: bob.care4wId,
        domain: DOMAIN,
        authUser: bob.care4wId,
        password: await createSipPassword(bob, server.url),
        proxy,
        sipPort: 16300,
        rtpPorts: "16310-16329",
        toneWav: `${dir}/bob.wav`,
        quitAfter: 120,
        controlPort: 16350,
        // Rings with early media (183 with SDP), so RTPEngine gets the phone's answer before the
        // browser's. With plain 180s one shared session happens to survive (the 200's SDP rebuilds
        // the leg); after a 183 only a session per branch lets the browser connect.
        earlyMedia: true,
      });
      phones.push(bobPhone);
      await eventually(
        "Bob's browser and phone to be registered",
        async () => (await contacts(stack.urls.rpc, bob.care4wId)) === 2,
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
      const annPhone = await startBaresip({
        dir: `${dir}/ann`,
        user: annId,
        domain: DOMAIN,
        authUser: annId,
        password: await createSipPassword({ context: annContext }, server.url),
        proxy,
        sipPort: 16304,
        rtpPorts: "16330-16349",
        toneWav: `${dir}/ann.wav`,
        quitAfter: 120,
        controlPort: 16352,
      });
      phones.push(annPhone);
      await eventually(
        "Ann's registration",
        async () => (await contacts(stack.urls.rpc, annId)) === 1,
      );

      // 1. Both of Bob's devices ring; the browser answers and the phone is cancelled.
      await annPhone.command("dial", `sip:${bob.care4wId}@${DOMAIN}`);
      await waitForStatus(bob.page, "Incoming call");
      await eventually(
        "Bob's phone to ring",
        async () => (await callState(bobPhone, annId)) === "INCOMING",
      );
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
      await released();

      // 2. Both ring again; this time the phone answers and the browser stops ringing.
      await annPhone.command("dial", `sip:${bob.care4wId}@${DOMAIN}`);
      await waitForStatus(bob.page, "Incoming call");
      await eventually(
        "Bob's phone to ring again",
        async () => (await callState(bobPhone, annId)) === "INCOMING",
      );
      await bobPhone.command("accept");
      await waitForStatus(bob.page, "Ended: Answered on another device");
      await eventually(
        "the call between the phones",
        async () =>
          (await callState(annPhone, bob.care4wId)) === "ESTABLISHED" &&
          (await callState(bobPhone, annId)) === "ESTABLISHED",
      );
      // Let the tones flow, then Ann hangs up and both phones end (closing their recordings).
      await new Promise((resolve) => setTimeout(resolve, 4000));
      await annPhone.command("hangup");
      await eventually(
        "Bob's phone to hang up",
        async () => (await callState(bobPhone, annId)) === null,
      );
      await released();
      for (const phone of phones) await phone.stop();
      await assertHears(await lastHeard(bobPhone), ANN_TONE, BOB_TONE, "Bob's phone");
      await assertHears(await lastHeard(annPhone), BOB_TONE, ANN_TONE, "Ann's phone");
    } finally {
      for (const phone of phones) await phone.stop();
      for (const cleanup of cleanups) await cleanup().catch(() => {});
    }
  },
});

/**
 * End to end call: two baresip phones registered as two CareFlow users (one with a long-lived
 * password, one with ephemeral browser-style credentials) call each other by CareFlow ID through
 * Kamailio and RTPEngine; what each side recorded must carry the other side's tone.
 */
import assert from "node:assert/strict";
import { ephemeralSipCredentials } from "../../shared/sip-credentials.ts";
import { startStack } from "../../tools/stack/stack.ts";
import { decodePcm, dominantFrequency, rms, tonePower, writeTone } from "../testing/audio.ts";
import { type Baresip, startBaresip } from "../testing/baresip.ts";
import { ha1, provision, registeredAors } from "../testing/kit.ts";

const DOMAIN = "careflow.test";
const CALLER = "care4w-1000011";
const CALLEE = "care4w-1000012";
const CALLER_TONE = 1000;
const CALLEE_TONE = 400;

async function waitUntil(what: string, check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Checks that a recording holds `expected` Hz and not the recorder's own tone. */
async function assertHears(wav: string | null, expected: number, own: number, who: string) {
  assert.ok(wav, `${who}: no recording`);
  const samples = await decodePcm(wav);
  // Skip the first second (ringing, jitter buffer fill) and look at the rest.
  const body = samples.subarray(8000);
  assert.ok(body.length >= 8000 * 2, `${who}: recording too short (${samples.length} samples)`);
  const level = rms(body);
  assert.ok(level > 0.05, `${who}: recording is silent (rms ${level.toFixed(4)})`);
  assert.equal(dominantFrequency(body), expected, `${who}: dominant frequency`);
  assert.ok(
    tonePower(body, expected) > 100 * tonePower(body, own),
    `${who}: own tone leaks into what was heard`,
  );
}

Deno.test({
  name: "two baresip phones call each other by CareFlow ID through Kamailio and RTPEngine",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startStack({
      ports: {
        sip: 15066,
        ws: 18081,
        rpc: 15171,
        redis: 6401,
        agent: 7201,
        rtpengineNg: 22224,
        rtpMin: 31100,
        rtpMax: 31199,
      },
      sipDomain: DOMAIN,
    });
    const phones: Baresip[] = [];
    try {
      const dir = stack.workDir;
      await writeTone(`${dir}/caller.wav`, CALLER_TONE, 30);
      await writeTone(`${dir}/callee.wav`, CALLEE_TONE, 30);
      const secret = stack.internalApiSecret;
      assert.equal(
        await provision(stack.urls.agent, secret, "PUT", CALLER, {
          ha1: ha1(CALLER, DOMAIN, "caller-pw"),
          active: true,
        }),
        200,
      );
      // The callee has no long-lived password: it uses browser-style ephemeral credentials.
      assert.equal(
        await provision(stack.urls.agent, secret, "PUT", CALLEE, { ha1: null, active: true }),
        200,
      );
      const eph = ephemeralSipCredentials(
        stack.sipCredentialSecret,
        CALLEE,
        600,
        Date.now() / 1000,
      );
      const proxy = `127.0.0.1:${stack.ports.sip}`;

      const callee = await startBaresip({
        dir: `${dir}/callee`,
        user: CALLEE,
        domain: DOMAIN,
        authUser: eph.username,
        password: eph.password,
        proxy,
        sipPort: 15082,
        rtpPorts: "16030-16059",
        toneWav: `${dir}/callee.wav`,
        autoAnswer: true,
        quitAfter: 30,
      });
      phones.push(callee);
      await waitUntil(
        "the callee's registration",
        async () => (await registeredAors(stack.urls.rpc)).includes(CALLEE),
      );

      const caller = await startBaresip({
        dir: `${dir}/caller`,
        user: CALLER,
        domain: DOMAIN,
        authUser: CALLER,
        password: "caller-pw",
        proxy,
        sipPort: 15080,
        rtpPorts: "16000-16029",
        toneWav: `${dir}/caller.wav`,
        quitAfter: 30,
        commands: [`/dial sip:${CALLEE}@${DOMAIN}`],
      });
      phones.push(caller);
      await waitUntil(
        "the call to be answered",
        async () => /Call established/.test(await Deno.readTextFile(caller.logFile)),
      );
      // Let the tones flow for a while, then hang up by ending the caller (it sends BYE).
      await new Promise((r) => setTimeout(r, 5000));
      await caller.stop();
      await callee.stop();

      const callerLog = await Deno.readTextFile(caller.logFile);
      // Media went through RTPEngine, not phone to phone.
      const rtpFrom = /receiving from 127\.0\.0\.1:(\d+)/.exec(callerLog);
      assert.ok(rtpFrom, "caller received no RTP");
      const port = Number(rtpFrom[1]);
      assert.ok(port >= stack.ports.rtpMin && port <= stack.ports.rtpMax, `RTP from ${port}`);

      await assertHears(await callee.heardWav(), CALLER_TONE, CALLEE_TONE, "callee");
      await assertHears(await caller.heardWav(), CALLEE_TONE, CALLER_TONE, "caller");
    } finally {
      for (const phone of phones) await phone.stop();
      await stack.stop();
    }
  },
});

/**
 * End to end call: two baresip phones registered as two CareFlow users (one with a long-lived
 * password, one with ephemeral browser-style credentials) call each other by CareFlow ID through
 * Kamailio and RTPEngine; what each side recorded must carry the other side's tone.
 */
import assert from "node:assert/strict";
import { eventually, sleep } from "../../testing/eventually.ts";
import { startStack } from "../../tools/stack/stack.ts";
import { assertHears, writeTone } from "../testing/audio.ts";
import { type Baresip, startBaresip } from "../testing/baresip.ts";
import { ephemeralFor, putSubscriber, registeredAors } from "../testing/kit.ts";

const DOMAIN = "careflow.test";
const CALLER = "care4w-1000011";
const CALLEE = "care4w-1000012";
const CALLER_TONE = 1000;
const CALLEE_TONE = 400;

Deno.test({
  name: "two baresip phones call each other by CareFlow ID through Kamailio and RTPEngine",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startStack({ sipDomain: DOMAIN });
    const phones: Baresip[] = [];
    try {
      const dir = stack.workDir;
      await writeTone(`${dir}/caller.wav`, CALLER_TONE, 30);
      await writeTone(`${dir}/callee.wav`, CALLEE_TONE, 30);
      assert.equal(await putSubscriber(stack, CALLER, "caller-pw"), 200);
      // The callee has no long-lived password: it uses browser-style ephemeral credentials.
      assert.equal(await putSubscriber(stack, CALLEE, null), 200);
      const eph = ephemeralFor(stack, CALLEE);
      const proxy = `127.0.0.1:${stack.ports.sip}`;

      const callee = await startBaresip({
        dir: `${dir}/callee`,
        user: CALLEE,
        domain: DOMAIN,
        authUser: eph.username,
        password: eph.password,
        proxy,
        toneWav: `${dir}/callee.wav`,
        autoAnswer: true,
        quitAfter: 30,
      });
      phones.push(callee);
      await eventually(
        "the callee's registration",
        async () => (await registeredAors(stack.rpc)).includes(CALLEE),
      );

      const caller = await startBaresip({
        dir: `${dir}/caller`,
        user: CALLER,
        domain: DOMAIN,
        authUser: CALLER,
        password: "caller-pw",
        proxy,
        toneWav: `${dir}/caller.wav`,
        quitAfter: 30,
        commands: [`/dial sip:${CALLEE}@${DOMAIN}`],
      });
      phones.push(caller);
      await eventually(
        "the call to be answered",
        async () => /Call established/.test(await caller.log()),
      );
      // Let the tones flow for a while, then hang up by ending the caller (it sends BYE).
      await sleep(5000);
      await caller.stop();
      await callee.stop();

      const callerLog = await caller.log();
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

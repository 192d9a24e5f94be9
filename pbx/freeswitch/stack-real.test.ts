/**
 * A real FreeSWITCH behind the stack's Kamailio (WITH_FREESWITCH) with the real agent on its event
 * socket: a call from one UDP phone to another goes through FreeSWITCH, is named as Kamailio
 * asserts the caller, and becomes exactly one cdr event in the agent's outbox. A REFER is refused
 * and the call goes on: a transfer through FreeSWITCH would leave one CDR for two calls (see
 * pbx/freeswitch/README.md). Needs FREESWITCH_BIN (built by hand, not packaged for Debian 12);
 * without it the test is registered ignored (skipped).
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import type { CdrEvent } from "../../agent/src/cdr/cdr-event.ts";
import { digestHa1 } from "../../shared/sip-credentials.ts";
import { eventually } from "../../testing/eventually.ts";
import { freeStackPorts, startStack } from "../../tools/stack/stack.ts";
import { provision } from "../testing/kit.ts";
import { UdpSipClient } from "../testing/udp-sip.ts";
import { header } from "../testing/ws-sip.ts";
import { Esl } from "./testing/esl.ts";
import { startFreeSwitch } from "./testing/freeswitch.ts";

const FREESWITCH_BIN = Deno.env.get("FREESWITCH_BIN");
const DOMAIN = "careflow.test";
const [ANN, BOB, CAT] = ["care4w-1700001", "care4w-1700002", "care4w-1700003"];
const credentials = (user: string) => ({ username: user, password: `${user}-fs-pw` });

async function cdrEvents(redis: Redis): Promise<CdrEvent[]> {
  return (await redis.xrange("outbox:events", "-", "+"))
    .map(([, fields]) => JSON.parse(fields[1]))
    .filter((event: { type: string }) => event.type === "cdr");
}

Deno.test({
  name:
    "real FreeSWITCH behind Kamailio: a call is one cdr event; a REFER is refused, the call goes on",
  ignore: !FREESWITCH_BIN,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const ports = await freeStackPorts();
    const fs = await startFreeSwitch(FREESWITCH_BIN!, { KAMAILIO_SIP: `127.0.0.1:${ports.sip}` });
    await fs.proc.waitFor("ESL to accept the password", async () => {
      const esl = await Esl.connect(fs.eslPort);
      const ok = await esl.auth(fs.env.FREESWITCH_ESL_PASSWORD);
      esl.close();
      return ok;
    }, 60_000);
    const stack = await startStack({
      ports,
      sipDomain: DOMAIN,
      freeswitchNodes: [`127.0.0.1:${fs.sipPort}`],
      agentEnv: {
        FREESWITCH_ESL: fs.env.FREESWITCH_ESL,
        FREESWITCH_ESL_PASSWORD: fs.env.FREESWITCH_ESL_PASSWORD,
        FREESWITCH_CDR_DIR: fs.dirs.cdr,
      },
    }).catch(async (error) => {
      await fs.stop();
      throw error;
    });
    const [ann, bob] = await Promise.all([0, 1].map(() => UdpSipClient.open(stack.ports.sip)));
    const redis = new Redis(stack.urls.redis);
    try {
      for (const [user, displayName] of [[ANN, "Ann"], [BOB, "Bob"], [CAT, "Cat"]]) {
        const ha1 = digestHa1(user, DOMAIN, credentials(user).password);
        const status = await provision(stack.urls.agent, stack.internalApiSecret, "PUT", user, {
          ha1,
          active: true,
          displayName,
        });
        assert.equal(status, 200);
      }
      assert.equal((await bob.register(DOMAIN, credentials(BOB)))?.status, 200);
      bob.answerCalls();

      const call = await ann.call(DOMAIN, BOB, credentials(ANN));
      assert.equal(call.reply?.status, 200, `Ann calls Bob: ${call.reply?.raw}`);
      const atBob = bob.answered.filter((m) => m.method === "INVITE").at(-1)!;
      assert.equal(header(atBob, "P-Asserted-Identity"), `"Ann" <sip:${ANN}@${DOMAIN}>`);
      // Bob's phone asks FreeSWITCH, its side of the dialog, to hand Ann to Cat.
      const refer = await bob.askCaller(atBob, {
        method: "REFER",
        cseq: 1,
        extra: [`Refer-To: <sip:${CAT}@${DOMAIN}>`, `Referred-By: <sip:${BOB}@${DOMAIN}>`],
      });
      assert.ok(refer && refer.status >= 400, `the REFER is refused: ${refer?.raw}`);
      assert.equal(bob.answered.filter((m) => m.method === "BYE").length, 0, "the call goes on");

      assert.equal((await ann.bye(call.sent, call.reply!))?.status, 200);
      await eventually("the call's cdr event", async () => (await cdrEvents(redis)).length >= 1);
      const events = await cdrEvents(redis);
      assert.equal(events.length, 1, JSON.stringify(events));
      const [{ call: record }] = events;
      assert.deepEqual([record.caller, record.callee, record.status], [ANN, BOB, "completed"]);
      assert.notEqual(record.answeredAt, null);
    } finally {
      for (const phone of [ann, bob]) phone.close();
      redis.disconnect();
      await stack.stop();
      await fs.stop();
    }
  },
});

/**
 * WITH_FREESWITCH on real processes: Kamailio (started by tools/stack with WITH_FREESWITCH) +
 * the real agent + redis-server + rtpengine, and a SIPp UAS standing in for FreeSWITCH at
 * FREESWITCH_URI (FreeSWITCH itself is not packaged in Debian 12). A registered, authenticated
 * user's INVITE to an E.164 number must reach the gateway with the caller's asserted identity and
 * its answer must come back; unauthenticated callers are challenged and never relayed; other
 * unknown targets stay 404.
 * Run with `deno test -A pbx`.
 */
import assert from "node:assert/strict";
import { startStack } from "../../tools/stack/stack.ts";
import {
  describe,
  ha1,
  provision,
  registeredAors,
  sipp,
  type SippCall,
  sippServer,
} from "../testing/kit.ts";

const DOMAIN = "careflow.test";
const CALLER = "care4w-1000411";
const NUMBER = "+442071234567";
const FREESWITCH_PORT = 15490;
const CALLER_PORT = 15491;

Deno.test({
  name: "WITH_FREESWITCH: E.164 numbers go to FreeSWITCH, callers still authenticate",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const stack = await startStack({
      ports: {
        sip: 15410,
        ws: 18410,
        rpc: 15481,
        redis: 6451,
        agent: 7421,
        rtpengineNg: 22270,
        rtpMin: 31700,
        rtpMax: 31719,
      },
      sipDomain: DOMAIN,
      kamailioDefines: [
        "WITH_FREESWITCH",
        `FREESWITCH_URI="sip:127.0.0.1:${FREESWITCH_PORT}"`,
      ],
    });
    // Started first: if anything before the authenticated call were relayed, it would take the
    // gateway's only call and the last step would fail.
    const freeswitch = sippServer({
      scenario: "uas-486-identity.xml",
      localPort: FREESWITCH_PORT,
      workDir: stack.workDir,
    });
    // The caller shares FreeSWITCH's address (127.0.0.1) but not its port: an ordinary client.
    const run = (scenario: string, calls: SippCall[]) =>
      sipp({
        scenario,
        target: `127.0.0.1:${stack.ports.sip}`,
        calls,
        domain: DOMAIN,
        localPort: CALLER_PORT,
        workDir: stack.workDir,
      });
    const caller = (dialled: string, password = "caller-pw-1"): SippCall => ({
      user: CALLER,
      authUser: CALLER,
      password,
      extra: [dialled],
    });
    try {
      assert.equal(
        await provision(stack.urls.agent, stack.internalApiSecret, "PUT", CALLER, {
          ha1: ha1(CALLER, DOMAIN, "caller-pw-1"),
          active: true,
        }),
        200,
      );

      await t.step("the caller registers", async () => {
        const r = await run("register-200.xml", [caller("")]);
        assert.equal(r.code, 0, describe(r));
        assert.ok((await registeredAors(stack.urls.rpc)).includes(CALLER));
      });

      await t.step("without credentials an E.164 INVITE is challenged, not relayed", async () => {
        const r = await run("invite-407.xml", [caller(NUMBER)]);
        assert.equal(r.code, 0, describe(r));
        assert.match(r.logs, /CHALLENGE Proxy-Authenticate: Digest realm="careflow\.test"/);
      });

      await t.step("a target that is neither a CareFlow ID nor E.164 is 404", async () => {
        const r = await run("invite-404.xml", [
          caller("12345"),
          // Without the "+" it is not an E.164 number.
          caller(NUMBER.slice(1)),
        ]);
        assert.equal(r.code, 0, describe(r));
      });

      await t.step(
        "an authenticated E.164 INVITE reaches FreeSWITCH, its 486 comes back",
        async () => {
          const r = await run("invite-486.xml", [caller(NUMBER)]);
          assert.equal(r.code, 0, describe(r));
          const reached = await freeswitch.done;
          assert.equal(reached.code, 0, describe(reached));
          const ruris = reached.logs.split("\n").filter((l) => l.startsWith("RURI "));
          assert.deepEqual(ruris, [`RURI INVITE sip:${NUMBER}@127.0.0.1:${FREESWITCH_PORT}`]);
          assert.match(reached.logs, new RegExp(`^PAI sip:${CALLER}@careflow\\.test$`, "m"));
        },
      );
    } finally {
      await freeswitch.stop();
      await stack.stop();
    }
  },
});

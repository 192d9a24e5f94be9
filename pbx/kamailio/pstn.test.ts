/**
 * WITH_FREESWITCH on real processes: Kamailio (started by tools/stack with WITH_FREESWITCH) +
 * the real agent + redis-server + rtpengine, and a SIPp UAS standing in for FreeSWITCH, the one
 * node of Kamailio's dispatcher list (FreeSWITCH itself is not packaged in Debian 12). A registered, authenticated
 * user's INVITE to an E.164 number must reach the gateway with the caller's asserted identity and
 * its answer must come back; unauthenticated callers are challenged and never relayed; other
 * unknown targets stay 404.
 * Run with `deno test -A pbx`.
 */
import assert from "node:assert/strict";
import { freePort } from "../../testing/ports.ts";
import { startStack } from "../../tools/stack/stack.ts";
import {
  describe,
  putSubscriber,
  registeredAors,
  type SippCall,
  sippRunner,
  sippServer,
} from "../testing/kit.ts";

const DOMAIN = "careflow.test";
const CALLER = "care4w-1000411";
const NUMBER = "+442071234567";

Deno.test({
  name: "WITH_FREESWITCH: E.164 numbers go to FreeSWITCH, callers still authenticate",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const freeswitchPort = await freePort();
    const stack = await startStack({
      sipDomain: DOMAIN,
      freeswitchNodes: [`127.0.0.1:${freeswitchPort}`],
      // PSTN calls need a calling number: the organisation's, as the caller has none.
      kamailioDefines: ['ORG_CALLER_NUMBER="+442070000000"'],
    });
    // The caller shares FreeSWITCH's address (127.0.0.1) but not its port: an ordinary client
    // (each run from a fresh free port).
    const run = sippRunner(stack);
    const caller = (dialled: string, password = "caller-pw-1"): SippCall => ({
      user: CALLER,
      authUser: CALLER,
      password,
      extra: [dialled],
    });
    try {
      // Started first: if anything before the authenticated call were relayed, it would take the
      // gateway's only call and the last step would fail.
      await using freeswitch = await sippServer({
        scenario: "uas-486-identity.xml",
        localPort: freeswitchPort,
        workDir: stack.workDir,
      });
      assert.equal(await putSubscriber(stack, CALLER, "caller-pw-1"), 200);

      await t.step("the caller registers", async () => {
        const r = await run("register-200.xml", [caller("")]);
        assert.equal(r.code, 0, describe(r));
        assert.ok((await registeredAors(stack.rpc)).includes(CALLER));
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
          assert.deepEqual(ruris, [`RURI INVITE sip:${NUMBER}@127.0.0.1:${freeswitchPort}`]);
          assert.match(reached.logs, new RegExp(`^PAI sip:${CALLER}@careflow\\.test$`, "m"));
        },
      );
    } finally {
      await stack.stop();
    }
  },
});

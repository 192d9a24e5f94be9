/**
 * WITH_FREESWITCH and WITH_TRUNK together, on real processes (tools/stack's agent, redis-server and
 * rtpengine; a Kamailio with one SIP worker; SIPp as the FreeSWITCH node and as the trunk): a call
 * the trunk sends to a number goes to FreeSWITCH (which maps a user's own number or runs the IVR)
 * with none of what the agent said about the worker's previous call, above all no
 * X-CareFlow-Record-For (Kamailio's $var()s outlive a request), and the trunk is trusted without
 * a challenge. Run with `deno test -A pbx/kamailio/freeswitch-trunk.test.ts`.
 */
import assert from "node:assert/strict";
import { freePort } from "../../testing/ports.ts";
import { freeswitchDefines, startKamailio, startStack } from "../../tools/stack/stack.ts";
import { describe, putProfile, sippServer } from "../testing/kit.ts";
import {
  ALICE,
  assertHeader,
  caller,
  CAROL,
  DOMAIN,
  identityStandIn,
  kamailioPorts,
  NUMBER,
  onlyInvite,
  ORG_NUMBER,
  password,
  runAgainst,
} from "../testing/freeswitch-kit.ts";

Deno.test({
  name:
    "WITH_FREESWITCH and WITH_TRUNK: the trunk's call to a number reaches FreeSWITCH unchallenged, with nothing left from the previous call",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startStack({ sipDomain: DOMAIN, skip: { kamailio: true } });
    const [fsPort, trunkPort] = [await freePort(), await freePort()];
    const ports = await kamailioPorts(stack);
    // One SIP worker: both calls below are handled by the same process.
    const kamailio = await startKamailio({
      agentSecret: stack.kamailioApiSecret,
      ports,
      sipDomain: DOMAIN,
      children: 1,
      defines: [
        ...await freeswitchDefines(stack.workDir, [`127.0.0.1:${fsPort}`]),
        "FREESWITCH_PING=3600",
        "WITH_TRUNK",
        `TRUNK_URI="sip:127.0.0.1:${trunkPort}"`,
        `ORG_CALLER_NUMBER="${ORG_NUMBER}"`,
      ],
      workDir: stack.workDir,
      name: "kamailio-fs-trunk",
    });
    try {
      for (const [id, displayName] of [[ALICE, "Alice Example"], [CAROL, "Carol"]]) {
        const profile = { displayName, recordCalls: id === ALICE };
        assert.equal(await putProfile(stack, id, password(id), profile), 200);
      }
      const run = runAgainst(stack, ports.sip);

      // Alice's setting records her call to Carol: the worker's $var(recordFor) holds her ID.
      await using first = await identityStandIn(stack, fsPort);
      const call = await run("invite-486.xml", [caller(ALICE, CAROL)]);
      assert.equal(call.code, 0, describe(call));
      assertHeader(onlyInvite(await first.done), "X-CareFlow-Record-For", ALICE);

      // The trunk (its address and port, no credentials) calls a number.
      await using node = await sippServer({
        scenario: "uas-freeswitch.xml",
        localPort: fsPort,
        workDir: stack.workDir,
        traceMessages: true,
      });
      const fromTrunk = await run("fs-bridge.xml", [{
        user: "+15551230001",
        authUser: "-",
        password: "-",
        extra: [NUMBER, "+15551230001"],
      }], { localPort: trunkPort });
      assert.doesNotMatch(fromTrunk.logs, /CHALLENGED/, describe(fromTrunk));
      await node.stop();
      const invite = onlyInvite(await node.done);
      assert.equal(invite.startLine, `INVITE sip:${NUMBER}@127.0.0.1:${fsPort} SIP/2.0`);
      assertHeader(invite, "X-CareFlow-Record-For", null);
      assertHeader(invite, "X-CareFlow-Caller-Number", null);
      assertHeader(invite, "X-CareFlow-Ring-Timeout", "45");
    } finally {
      await kamailio.stop();
      await stack.stop();
    }
  },
});

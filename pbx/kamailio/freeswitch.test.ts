/**
 * Kamailio and the media side on real processes: tools/stack's Kamailio WITH_FREESWITCH, the real
 * agent (bun), redis-server and rtpengine; SIPp stands in for FreeSWITCH (not packaged in Debian
 * 12) as the node of Kamailio's dispatcher list. Checked: what the first hop hands FreeSWITCH
 * (the CareFlow name in P-Asserted-Identity, who records, the ring timeout, the calling number of
 * PSTN calls, forged client copies gone), that the bridge back from the node reaches the callee's
 * device with the first hop's P-Asserted-Identity while the same INVITE from anywhere but the
 * node is challenged, that a dead node answers 503 within 2 s and a second node takes the calls,
 * and, WITH_TRUNK and without WITH_FREESWITCH, direct routing with the same identity rules.
 * The trusted bridge back forking to a browser and a phone is in freeswitch-fork.test.ts.
 * Run with `deno test -A pbx/kamailio/freeswitch.test.ts`.
 */
import assert from "node:assert/strict";
import { eventually } from "../../testing/eventually.ts";
import { freePort } from "../../testing/ports.ts";
import { kamailioRpc, type Stack, startStack } from "../../tools/stack/stack.ts";
import { startKamailio } from "../../tools/stack/kamailio.ts";
import { freeswitchDefines } from "../../tools/stack/stack.ts";
import { describe, putProfile, type SippCall, sippServer } from "../testing/kit.ts";
import { headerValues } from "../testing/sip-trace.ts";

import {
  ALICE,
  assertHeader,
  BOB,
  BOB_NUMBER,
  caller,
  CAROL,
  DOMAIN,
  FORGED,
  forgedCallTo,
  identityStandIn,
  kamailioPorts,
  NUMBER,
  onlyInvite,
  ORG_NUMBER,
  password,
  receivedMessagesOf,
  runAgainst,
  waited,
} from "../testing/freeswitch-kit.ts";

/** The first hop: what a stand-in FreeSWITCH receives from authenticated callers. */
async function firstHopSteps(t: Deno.TestContext, stack: Stack, fsPort: number) {
  const run = runAgainst(stack, stack.ports.sip);
  await t.step(
    "a call to a CareFlow ID reaches FreeSWITCH with the CareFlow name, who records and the ring timeout; forged copies are gone",
    async () => {
      // Carol by her short form; Alice's and Carol's settings both record.
      const { reached, invite } = await forgedCallTo(stack, run, fsPort, caller(ALICE, "1000003"));
      assert.equal(reached.code, 0, describe(reached));
      assert.equal(invite.startLine, `INVITE sip:${CAROL}@127.0.0.1:${fsPort} SIP/2.0`);
      assertHeader(invite, "P-Asserted-Identity", `"Alice Example" <sip:${ALICE}@${DOMAIN}>`);
      assertHeader(invite, "X-CareFlow-Record-For", `${ALICE},${CAROL}`);
      assertHeader(invite, "X-CareFlow-Ring-Timeout", "45");
      assertHeader(invite, "X-CareFlow-Caller-Number", null);
      // Carol's CareFlow name, should she transfer the call (careflow-transfer.xml).
      assertHeader(invite, "X-CareFlow-Callee-Name", "Carol");
      for (const name of ["P-Preferred-Identity", "Remote-Party-ID", "Proxy-Authorization"]) {
        assertHeader(invite, name, null);
      }
      assert.doesNotMatch(invite.text.replace(/^From:.*$/m, ""), FORGED, invite.text);
    },
  );

  await t.step(
    "PSTN calls present the caller's own number or the organisation's; no setting on, no X-CareFlow-Record-For",
    async () => {
      const { invite } = await forgedCallTo(stack, run, fsPort, caller(BOB, NUMBER));
      assert.equal(invite.startLine, `INVITE sip:${NUMBER}@127.0.0.1:${fsPort} SIP/2.0`);
      assertHeader(invite, "P-Asserted-Identity", `"Bob" <sip:${BOB}@${DOMAIN}>`);
      assertHeader(invite, "X-CareFlow-Caller-Number", ORG_NUMBER);
      assertHeader(invite, "X-CareFlow-Record-For", null);
      assertHeader(invite, "X-CareFlow-Callee-Name", null);
      assert.doesNotMatch(invite.text.replace(/^From:.*$/m, ""), FORGED, invite.text);

      // Once web knows a number of his own, that is the one.
      assert.equal(
        await putProfile(stack, BOB, password(BOB), { displayName: "Bob", e164: BOB_NUMBER }),
        200,
      );
      await using again = await identityStandIn(stack, fsPort);
      assert.equal((await run("invite-486.xml", [caller(BOB, NUMBER)])).code, 0);
      assertHeader(onlyInvite(await again.done), "X-CareFlow-Caller-Number", BOB_NUMBER);
    },
  );

  await t.step(
    "a bridge-back INVITE from anywhere but the FreeSWITCH node is challenged",
    async () => {
      // Same scenario, same headers as FreeSWITCH's bridge back; only the source differs: the
      // node's address with another port, and another address.
      const bridge: SippCall = {
        user: ALICE,
        authUser: "-",
        password: "-",
        extra: [BOB, "Alice Example"],
      };
      for (const localIp of ["127.0.0.1", "127.0.0.2"]) {
        const r = await run("fs-bridge.xml", [bridge], { localIp });
        assert.equal(r.code, 0, describe(r));
        assert.match(r.logs, /^CHALLENGED\s+Digest realm="careflow\.test"/m, r.logs);
        assert.doesNotMatch(r.logs, /ANSWERED/);
      }
    },
  );
}

/**
 * The second hop: FreeSWITCH's bridge back (a SIPp stand-in from the node's address and port)
 * reaches the callee's device with the first hop's P-Asserted-Identity, unchallenged.
 */
async function bridgeBackStep(t: Deno.TestContext, stack: Stack, fsPort: number) {
  const run = runAgainst(stack, stack.ports.sip);
  await t.step(
    "the bridge back from the node reaches the callee's device with the first hop's P-Asserted-Identity",
    async () => {
      // A SIPp UAS registers as Carol from its port, then answers there (486).
      const phonePort = await freePort();
      const reg = await run("register-200.xml", [caller(CAROL, "")], { localPort: phonePort });
      assert.equal(reg.code, 0, describe(reg));
      await using phone = await identityStandIn(stack, phonePort);
      const bridge = await run("fs-bridge.xml", [{
        user: ALICE,
        authUser: "-",
        password: "-",
        extra: [CAROL, "Alice Example"],
      }], { localPort: fsPort });
      // fs-bridge.xml expects an answer: the phone's 486 ends it as a failed call.
      assert.doesNotMatch(bridge.logs, /CHALLENGED/, describe(bridge));
      receivedMessagesOf(bridge, "SIP/2.0 486");
      const reached = await phone.done;
      assert.equal(reached.code, 0, describe(reached));
      const invite = onlyInvite(reached);
      assert.match(
        invite.startLine,
        new RegExp(`^INVITE sip:${CAROL}@127\\.0\\.0\\.1:${phonePort}\\b`),
      );
      assertHeader(invite, "P-Asserted-Identity", `"Alice Example" <sip:${ALICE}@${DOMAIN}>`);
      assert.match(headerValues(invite, "From")[0], new RegExp(`^"Alice Example" <sip:${ALICE}@`));
      assert.doesNotMatch(invite.text, /^X-CareFlow-/m, invite.text);
      // Unregistered again, so the later steps see Carol as before.
      await kamailioRpc(stack.rpc, "ul.rm", ["location", CAROL]);
    },
  );
}

/** FreeSWITCH not answering: a 503 in well under 2 s, then at once while it stays down. */
async function nodeDownSteps(t: Deno.TestContext, stack: Stack, fsPort: number) {
  const run = runAgainst(stack, stack.ports.sip);
  await t.step("FreeSWITCH down: 503 within 2 s, then at once", async () => {
    // Nothing listens on the node's port now.
    const first = await run("invite-503.xml", [caller(ALICE, CAROL)]);
    assert.equal(first.code, 0, describe(first));
    const second = await run("invite-503.xml", [caller(ALICE, NUMBER)]);
    assert.equal(second.code, 0, describe(second));
    const [a, b] = [waited(first), waited(second)];
    console.log(`FreeSWITCH down: first call 503 after ${a} ms, next call after ${b} ms`);
    assert.ok(a < 2000, `first 503 after ${a} ms`);
    assert.ok(b < 200, `a node known to be down still cost ${b} ms`);
    // Brought back by hand here (its probes are off in this stack).
    await kamailioRpc(stack.rpc, "dispatcher.set_state", ["a", 1, `sip:127.0.0.1:${fsPort}`]);
  });
}

/** Two nodes, one dead: every call reaches the other; probing brings the dead one back. */
async function failoverStep(t: Deno.TestContext, stack: Stack) {
  await t.step(
    "two FreeSWITCH nodes, one down: every call reaches the other, probing brings it back",
    async () => {
      const [deadPort, alivePort] = [await freePort(), await freePort()];
      const ports = await kamailioPorts(stack);
      const kamailio = await startKamailio({
        agentSecret: stack.kamailioApiSecret,
        ports,
        sipDomain: DOMAIN,
        defines: [
          ...await freeswitchDefines(stack.workDir, [
            `127.0.0.1:${deadPort}`,
            `127.0.0.1:${alivePort}`,
          ]),
          "FREESWITCH_PING=1",
          `ORG_CALLER_NUMBER="${ORG_NUMBER}"`,
        ],
        workDir: stack.workDir,
        name: "kamailio-two-nodes",
      });
      // Answers probes as well as calls: ended by PID below.
      const alive = await sippServer({
        scenario: "uas-freeswitch.xml",
        localPort: alivePort,
        workDir: stack.workDir,
        calls: 1000,
      });
      let revived: Awaited<ReturnType<typeof sippServer>> | undefined;
      try {
        const run = runAgainst(stack, ports.sip);
        const started = performance.now();
        // Round robin: one of the two calls is offered to the dead node first.
        for (let i = 0; i < 2; i++) {
          const call = await run("invite-486.xml", [caller(ALICE, i === 0 ? CAROL : NUMBER)]);
          assert.equal(call.code, 0, describe(call));
        }
        const total = performance.now() - started;
        console.log(
          `two nodes, one down: 2 calls answered by the live node in ${Math.round(total)} ms`,
        );
        const state = async () =>
          JSON.stringify(await kamailioRpc(kamailio.rpc, "dispatcher.list"));
        assert.match(
          await state(),
          new RegExp(`"URI":"sip:127\\.0\\.0\\.1:${deadPort}","FLAGS":"IP"`),
        );
        revived = await sippServer({
          scenario: "uas-freeswitch.xml",
          localPort: deadPort,
          workDir: stack.workDir,
          calls: 1000,
        });
        await eventually(
          "the revived node to be active again",
          async () =>
            new RegExp(`"URI":"sip:127\\.0\\.0\\.1:${deadPort}","FLAGS":"AP"`).test(await state()),
        );
      } finally {
        await revived?.stop();
        await alive.stop();
        await kamailio.stop();
      }
      const calls = (await alive.done).logs.match(/^RURI INVITE /gm) ?? [];
      assert.equal(calls.length, 2, (await alive.done).logs);
    },
  );
}

/** WITH_TRUNK and without WITH_FREESWITCH: direct routing, the same identity rules. */
async function directSteps(t: Deno.TestContext, stack: Stack) {
  const trunkPort = await freePort();
  const ports = await kamailioPorts(stack);
  const kamailio = await startKamailio({
    agentSecret: stack.kamailioApiSecret,
    ports,
    sipDomain: DOMAIN,
    defines: [
      "WITH_TRUNK",
      `TRUNK_URI="sip:127.0.0.1:${trunkPort}"`,
      `ORG_CALLER_NUMBER="${ORG_NUMBER}"`,
    ],
    workDir: stack.workDir,
    name: "kamailio-direct",
  });
  const run = runAgainst(stack, ports.sip);
  try {
    await t.step(
      "without WITH_FREESWITCH a call to a user goes to the user's device with the CareFlow name and no X-CareFlow header",
      async () => {
        // A SIPp UAS registers as Carol from its port, then answers there.
        const phonePort = await freePort();
        const reg = await run("register-200.xml", [caller(CAROL, "")], { localPort: phonePort });
        assert.equal(reg.code, 0, describe(reg));
        const { invite } = await forgedCallTo(stack, run, phonePort, caller(ALICE, CAROL));
        assertHeader(invite, "P-Asserted-Identity", `"Alice Example" <sip:${ALICE}@${DOMAIN}>`);
        assert.doesNotMatch(invite.text, /^X-CareFlow-/m, invite.text);
      },
    );

    await t.step(
      "WITH_TRUNK: the trunk sees the calling number and the CareFlow name, never the device's",
      async () => {
        const { call, invite } = await forgedCallTo(stack, run, trunkPort, caller(ALICE, NUMBER));
        assert.equal(invite.startLine, `INVITE sip:${NUMBER}@127.0.0.1:${trunkPort} SIP/2.0`);
        assertHeader(
          invite,
          "P-Asserted-Identity",
          `"Alice Example" <sip:${ORG_NUMBER}@${DOMAIN}>`,
        );
        assert.match(
          headerValues(invite, "From")[0],
          new RegExp(`^"Alice Example" <sip:\\${ORG_NUMBER}@${DOMAIN}>;tag=`),
        );
        // Only the device's Contact (its own address, not a calling number) names the CareFlow ID.
        const identity = invite.text.replace(/^Contact:.*$/m, "");
        assert.doesNotMatch(identity, /^X-CareFlow-|care4w-1000001/m, invite.text);
        assert.doesNotMatch(identity, FORGED, invite.text);
        // The caller's own dialog keeps its own From (restored on the way back).
        const answer = receivedMessagesOf(call, "SIP/2.0 486");
        assert.match(headerValues(answer, "From")[0], /^"Device Name" <sip:care4w-1000001@/);
      },
    );
  } finally {
    await kamailio.stop();
  }
}

Deno.test({
  name:
    "WITH_FREESWITCH: the first hop's headers, trust of the node only, 503 and failover; direct routing without it",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const fsPort = await freePort();
    const stack = await startStack({
      sipDomain: DOMAIN,
      freeswitchNodes: [`127.0.0.1:${fsPort}`],
      // Probes off here: the stand-ins answer one INVITE and nothing else.
      kamailioDefines: ["FREESWITCH_PING=3600", `ORG_CALLER_NUMBER="${ORG_NUMBER}"`],
    });
    try {
      const profiles: [string, string, boolean][] = [
        [ALICE, "Alice Example", true],
        [BOB, "Bob", false],
        [CAROL, "Carol", true],
      ];
      for (const [id, displayName, recordCalls] of profiles) {
        assert.equal(await putProfile(stack, id, password(id), { displayName, recordCalls }), 200);
      }
      await firstHopSteps(t, stack, fsPort);
      await bridgeBackStep(t, stack, fsPort);
      await nodeDownSteps(t, stack, fsPort);
      await failoverStep(t, stack);
      await directSteps(t, stack);
    } finally {
      await stack.stop();
    }
  },
});

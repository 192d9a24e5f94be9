/**
 * The two hops of a CareFlow call through the media side, on real processes: tools/stack's
 * Kamailio WITH_FREESWITCH, the agent (bun) filled from the web app in `sip` mode, redis-server,
 * rtpengine, Chromium (Bob's dashboard over WebSocket) and a baresip phone (Bob's SIP password),
 * with SIPp standing in for FreeSWITCH (not packaged in Debian 12) on both hops:
 *   1. Ann (SIPp, her SIP password from web) calls Bob: the stand-in node receives the INVITE with
 *      Ann's CareFlow name from web in P-Asserted-Identity and Bob's "record my calls" setting.
 *   2. The stand-in bridges the call back from the node's address, as FreeSWITCH does: Kamailio
 *      trusts it without a challenge and forks to both of Bob's devices; the browser shows Ann's
 *      name, the phone answers, the browser stops ringing, the call ends with a BYE.
 * Run with `deno test -A pbx/kamailio/freeswitch-fork.test.ts`.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { launchChromium } from "../../web/testing/browser.ts";
import { createSipPassword, openPhone, waitForStatus } from "../../web/testing/phone-kit.ts";
import { startSipWeb } from "../../web/testing/sip-web.ts";
import { eventually } from "../../testing/eventually.ts";
import { freePort } from "../../testing/ports.ts";
import { kamailioRpc, type KamailioRpcTarget } from "../../tools/stack/stack.ts";
import { writeTone } from "../testing/audio.ts";
import { type Baresip, startBaresip } from "../testing/baresip.ts";
import { identityStandIn } from "../testing/freeswitch-kit.ts";
import { describe, sipp } from "../testing/kit.ts";
import { headerValues, receivedRequests } from "../testing/sip-trace.ts";

const DOMAIN = "careflow.media";

/** How many contacts an AOR has in Kamailio's location table. */
async function contacts(rpc: KamailioRpcTarget, aor: string): Promise<number> {
  const entry = await kamailioRpc(rpc, "ul.lookup", ["location", aor]).catch(() => null);
  return (entry as { Contacts?: unknown[] } | null)?.Contacts?.length ?? 0;
}

/** The state of the phone's call with `peer` as baresip lists it (INCOMING, ESTABLISHED...). */
async function callState(phone: Baresip, peer: string): Promise<string | null> {
  const listing = await phone.command("listcalls");
  return new RegExp(`(\\w+)\\s+sip:${peer}@`).exec(listing)?.[1] ?? null;
}

/** Stack (Kamailio WITH_FREESWITCH over one node), web in sip mode, the agent filled from web. */
async function startMediaStack(fsPort: number, cleanups: (() => Promise<unknown>)[]) {
  const { stack, server, stop } = await startSipWeb({
    domain: DOMAIN,
    freeswitchNodes: [`127.0.0.1:${fsPort}`],
    // No probes: the stand-in answers one INVITE at a time and nothing else.
    kamailioDefines: ["FREESWITCH_PING=3600"],
  });
  cleanups.unshift(stop);
  return { stack, server };
}

/** Ann: an account and a SIP password through the API, no dashboard. */
async function signUpAnn(browser: Browser, base: string) {
  const context = await browser.newContext();
  const signup = await context.request.post(`${base}/api/auth/signup`, {
    data: {
      email: `ann-${crypto.randomUUID()}@example.org`,
      password: "a long enough password",
      displayName: "Ann",
    },
  });
  assert.equal(signup.status(), 201, await signup.text());
  const id = (await signup.json()).user.care4wId as string;
  return { id, password: await createSipPassword({ context }, base) };
}

/** Bob's setting records his calls (set before his SIP password, whose push carries it). */
async function recordBobsCalls(bob: Awaited<ReturnType<typeof openPhone>>, base: string) {
  const response = await bob.context.request.patch(`${base}/api/me/settings`, {
    headers: { origin: base },
    data: { recordCalls: true },
  });
  assert.equal(response.status(), 200, await response.text());
}

Deno.test({
  name:
    "WITH_FREESWITCH: first hop to the node with web's name and setting; the bridge back forks to Bob's browser and phone",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const cleanups: (() => Promise<unknown>)[] = [];
    try {
      const fsPort = await freePort();
      const { stack, server } = await startMediaStack(fsPort, cleanups);
      await writeTone(`${stack.workDir}/bob.wav`, 400, 30);
      const browser = await launchChromium({ media: true });
      cleanups.unshift(() => browser.close());

      const bob = await openPhone(browser, server.url, "Bob");
      await recordBobsCalls(bob, server.url);
      const phone = await startBaresip({
        dir: `${stack.workDir}/bob`,
        user: bob.care4wId,
        domain: DOMAIN,
        authUser: bob.care4wId,
        password: await createSipPassword(bob, server.url),
        proxy: `127.0.0.1:${stack.ports.sip}`,
        toneWav: `${stack.workDir}/bob.wav`,
        quitAfter: 90,
        control: true,
      });
      cleanups.unshift(() => phone.stop());
      await eventually(
        "Bob's browser and phone to be registered",
        async () => (await contacts(stack.rpc, bob.care4wId)) === 2,
      );
      const ann = await signUpAnn(browser, server.url);

      await t.step(
        "first hop: the node gets Ann's CareFlow name and Bob's setting, from web",
        async () => {
          await using node = await identityStandIn(stack, fsPort);
          const call = await sipp({
            scenario: "invite-486.xml",
            target: `127.0.0.1:${stack.ports.sip}`,
            calls: [{
              user: ann.id,
              authUser: ann.id,
              password: ann.password,
              extra: [bob.care4wId],
            }],
            domain: DOMAIN,
            workDir: stack.workDir,
          });
          assert.equal(call.code, 0, describe(call));
          const [invite] = receivedRequests((await node.done).messages, "INVITE");
          assert.ok(invite, "the node got no INVITE");
          assert.deepEqual(headerValues(invite, "P-Asserted-Identity"), [
            `"Ann" <sip:${ann.id}@${DOMAIN}>`,
          ]);
          assert.deepEqual(headerValues(invite, "X-CareFlow-Record-For"), [bob.care4wId]);
          // Bob's devices were not rung by the first hop: FreeSWITCH decides that.
          assert.equal(await callState(phone, ann.id), null);
        },
      );

      await t.step(
        "bridge back from the node: both of Bob's devices ring, the phone answers",
        async () => {
          const bridge = sipp({
            scenario: "fs-bridge.xml",
            target: `127.0.0.1:${stack.ports.sip}`,
            calls: [{ user: ann.id, authUser: "-", password: "-", extra: [bob.care4wId, "Ann"] }],
            domain: DOMAIN,
            workDir: stack.workDir,
            // FreeSWITCH's address and port, as in Kamailio's dispatcher list.
            localPort: fsPort,
          });
          await waitForStatus(bob.page, "Incoming call");
          await bob.page.getByTestId("caller-name").filter({ hasText: "Ann" }).waitFor();
          await eventually(
            "Bob's phone to ring",
            async () => (await callState(phone, ann.id)) === "INCOMING",
          );
          await phone.command("accept");
          await waitForStatus(bob.page, "Ended: Answered on another device");
          const result = await bridge;
          assert.equal(result.code, 0, describe(result));
          assert.match(result.logs, /^ANSWERED$/m);
          assert.doesNotMatch(result.logs, /CHALLENGED/);
          await eventually(
            "the phone to hang up on the BYE",
            async () => (await callState(phone, ann.id)) === null,
          );
        },
      );
    } finally {
      for (const cleanup of cleanups) await cleanup().catch(() => {});
    }
  },
});

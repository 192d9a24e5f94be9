/**
 * Dashboards in `sip` mode through a real FreeSWITCH (Kamailio WITH_FREESWITCH, the agent on its
 * event socket, web taking the agent's events): Ann calls Bob; Bob's "Transfer now" sends the REFER
 * to FreeSWITCH, which hands Ann on to Cat (careflow-transfer.xml); Cat's card says who did; Ann
 * and Cat hear each other; and the histories hold the two calls, each naming the other party of
 * the transfer (agent/src/cdr/transfer.ts). Then Bob asks Cat first and completes: FreeSWITCH
 * joins Ann and Cat (Replaces), who hear each other, and the histories hold the call, the
 * consultation and the joined call naming Bob. Needs FREESWITCH_BIN (built by hand, not packaged
 * for Debian 12); without it the test is registered ignored (skipped).
 */
import assert from "node:assert/strict";
import { eventually } from "../../testing/eventually.ts";
import { freeStackPorts } from "../../tools/stack/stack.ts";
import { agentEnvFor, startFreeSwitchReady } from "../../pbx/freeswitch/testing/freeswitch.ts";
import { launchChromium, watchErrors } from "../testing/browser.ts";
import {
  connectCall,
  history,
  openPhone,
  type PhoneUser,
  transfersIn,
  transferTo,
  waitForStatus,
} from "../testing/phone-kit.ts";
import { audioFlows, startSipWeb, waitRegistered } from "../testing/sip-web.ts";

const FREESWITCH_BIN = Deno.env.get("FREESWITCH_BIN");
const DOMAIN = "careflow.test";

/** The three dashboards and web's address. */
interface Scene {
  ann: PhoneUser;
  bob: PhoneUser;
  cat: PhoneUser;
  base: string;
}

/** Bob hands Ann on to Cat ("Transfer now"): two calls, each naming the other party. */
async function blindTransfer({ ann, bob, cat, base }: Scene) {
  const [a, b, c] = [ann.care4wId, bob.care4wId, cat.care4wId];
  await connectCall(ann, bob);
  await audioFlows(ann.page, "Bob's audio into Ann's tab, through FreeSWITCH");

  await transferTo(bob, cat.care4wId);
  await waitForStatus(bob.page, `Ended: Call transferred to ${cat.care4wId}`);
  await waitForStatus(cat.page, "Incoming call");
  await cat.page.getByTestId("transferred-by").getByText(`Transferred by ${bob.name}`)
    .waitFor();
  await cat.page.getByRole("button", { name: "Answer" }).click();
  await waitForStatus(cat.page, "Connected");
  await audioFlows(cat.page, "Ann's audio into Cat's tab");
  await audioFlows(ann.page, "Cat's audio into Ann's tab");
  await cat.page.getByRole("button", { name: "Hang up" }).click();
  await Promise.all([waitForStatus(ann.page, "Ended"), waitForStatus(cat.page, "Ended")]);

  await eventually("two calls in Ann's history", async () => {
    return (await history(ann, base)).calls.length >= 2;
  });
  assert.deepEqual(await transfersIn(ann, base), [
    [c, "outbound", "completed", b, null],
    [b, "outbound", "completed", null, c],
  ]);
  assert.deepEqual(await transfersIn(bob, base), [[a, "inbound", "completed", null, c]]);
  assert.deepEqual(await transfersIn(cat, base), [[a, "inbound", "completed", b, null]]);
}

/** Bob asks Cat first, then completes: the call, the consultation, and the joined call. */
async function attendedTransfer({ ann, bob, cat, base }: Scene) {
  const [a, b, c] = [ann.care4wId, bob.care4wId, cat.care4wId];
  await waitForStatus(ann.page, "Ready");
  await waitForStatus(cat.page, "Ready");
  await connectCall(ann, bob);
  await bob.page.getByRole("button", { name: "Transfer" }).click();
  await bob.page.getByLabel("Transfer to (CareFlow ID)").fill(cat.care4wId);
  await bob.page.getByRole("button", { name: "Ask first" }).click();
  await waitForStatus(cat.page, "Incoming call");
  await cat.page.getByRole("button", { name: "Answer" }).click();
  await Promise.all([
    waitForStatus(bob.page, "Connected"),
    waitForStatus(cat.page, "Connected"),
  ]);
  await audioFlows(cat.page, "Bob's audio into Cat's tab");
  await bob.page.getByRole("button", { name: /^Complete transfer to / }).click();
  await waitForStatus(bob.page, `Ended: Call transferred to ${cat.care4wId}`);
  await audioFlows(cat.page, "Ann's audio into Cat's tab, after the transfer");
  await audioFlows(ann.page, "Cat's audio into Ann's tab, after the transfer");
  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(cat.page, "Ended");
  // The call, the consultation and the call FreeSWITCH bridged, newest first.
  await eventually("three calls more in Bob's history", async () => {
    return (await history(bob, base)).calls.length >= 3;
  });
  assert.deepEqual((await transfersIn(ann, base)).slice(0, 2), [
    [c, "outbound", "completed", b, null],
    [b, "outbound", "completed", null, c],
  ]);
  assert.deepEqual((await transfersIn(bob, base)).slice(0, 2), [
    [c, "outbound", "completed", null, null],
    [a, "inbound", "completed", null, c],
  ]);
  assert.deepEqual((await transfersIn(cat, base)).slice(0, 2), [
    [a, "inbound", "completed", b, null],
    [b, "inbound", "completed", null, null],
  ]);
}

Deno.test({
  name:
    "sip mode through a real FreeSWITCH: dashboards' blind and attended transfers, in every history",
  ignore: !FREESWITCH_BIN,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const ports = await freeStackPorts();
    const fs = await startFreeSwitchReady(FREESWITCH_BIN!, {
      KAMAILIO_SIP: `127.0.0.1:${ports.sip}`,
      SIP_DOMAIN: DOMAIN,
    });
    const stopFs = () => fs.stop();
    const web = await startSipWeb({
      domain: DOMAIN,
      ports,
      freeswitchNodes: [`127.0.0.1:${fs.sipPort}`],
      agentEnv: agentEnvFor(fs),
    }).catch(async (error) => {
      await stopFs();
      throw error;
    });
    const browser = await launchChromium({ media: true });
    try {
      const base = web.server.url;
      const [ann, bob, cat] = [
        await openPhone(browser, base, "Ann"),
        await openPhone(browser, base, "Bob"),
        await openPhone(browser, base, "Cat"),
      ];
      const errors = [ann, bob, cat].map((tab) => watchErrors(tab.page));
      await waitRegistered(web, [ann, bob, cat]);

      await blindTransfer({ ann, bob, cat, base });
      await attendedTransfer({ ann, bob, cat, base });
      for (const seen of errors) assert.deepEqual(seen, []);
    } finally {
      await browser.close().catch(() => {});
      await web.stop();
      await stopFs();
    }
  },
});

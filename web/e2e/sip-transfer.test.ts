/**
 * Blind transfer on SIP calls through the real stack (Kamailio, RTPEngine, agent, web in `sip`
 * mode), REFER in the dialog and NOTIFYs back:
 * (a) Ann's dashboard calls Bob's baresip phone; Bob's phone first transfers her to an ID nobody
 *     has (the failure reaches the phone, which then hangs up), then to Cat's dashboard: Ann's tab calls Cat by itself,
 *     Cat's ringing card says Bob handed the call over, Cat answers, and audio flows both ways;
 * (b) Ann's dashboard, on a call with Bob's phone, transfers Bob: to an ID nobody has (the call
 *     stays, with a notice), then to Cat. baresip follows the REFER itself and calls Cat, whose
 *     tab rings; Ann's call ends "Call transferred"; Cat answers and hears Bob;
 * (c) Ann's dashboard calls Cat's; Cat transfers Ann to an ID nobody has (both calls stay, both
 *     told why), then to Bob's phone, which answers Ann's new call.
 * Then every call is in the histories, once, each transfer named by Kamailio's record of it
 * (no FreeSWITCH here: pbx/kamailio/records.cfg), a failed one not at all.
 *
 * Real processes (redis, rtpengine, kamailio, the agent, web, baresip, chromium), every port a
 * free one; a missing one makes the test fail, never skip. All are ended by the test, by PID.
 */
import assert from "node:assert/strict";
import { eventually } from "../../testing/eventually.ts";
import { audioFlows, type SipPhoneUser, withSipScene } from "../testing/sip-web.ts";
import type { Baresip } from "../../pbx/testing/baresip.ts";
import {
  history,
  type PhoneUser,
  transfersIn,
  transferTo,
  waitForStatus,
} from "../testing/phone-kit.ts";

const DOMAIN = "careflow.e2e";
const NOBODY = "care4w-1999999";

/** Ann's dashboard calls Bob's phone, which answers; resolves once audio flows. */
async function annCallsBob(ann: PhoneUser, bob: SipPhoneUser, phone: Baresip, calls: number) {
  await ann.page.getByLabel("Number or CareFlow ID").fill(bob.care4wId);
  await ann.page.getByTestId("callee-name").filter({ hasText: bob.name }).waitFor();
  await ann.page.getByRole("button", { name: "Call", exact: true }).click();
  await waitForStatus(ann.page, "Connected");
  await eventually("Bob's phone to answer", async () => {
    return ((await phone.log()).match(/Call established/g) ?? []).length >= calls;
  });
  await audioFlows(ann.page, "Bob's audio into Ann's tab");
}

/** The baresip log since its `n`-th established call, for reading what followed. */
async function logAfter(phone: Baresip, n: number) {
  return (await phone.log()).split("Call established").slice(n).join("Call established");
}

/** (a) Bob's phone sends the REFER; Ann's tab follows it. */
async function phoneTransfersBrowser(scene: Scene) {
  const { ann, cat, bob, phone } = scene;
  await annCallsBob(ann, bob, phone, 1);

  // Nobody has this ID: Ann's tab tries, Kamailio answers 404, and the NOTIFY says so. Ann's tab
  // would keep the call, but baresip 1.0 hangs up once a transfer it asked for failed.
  await phone.command("transfer", `sip:${NOBODY}@${DOMAIN}`);
  await eventually("Bob's phone to hear the failure", async () => {
    return /transfer failed: 404/.test(await logAfter(phone, 1));
  });
  await waitForStatus(ann.page, "Ended: Call ended");
  await waitForStatus(ann.page, "Ready");

  await annCallsBob(ann, bob, phone, 2);
  await phone.command("transfer", `sip:${cat.care4wId}@${DOMAIN}`);
  await waitForStatus(ann.page, /Calling|Ringing/);
  // Ann's tab names Bob as her dialer did; Cat's as Kamailio asserts who transferred Ann.
  await ann.page.getByTestId("transferred-by").getByText(`Transferred by ${bob.name}`).waitFor();
  await waitForStatus(cat.page, "Incoming call");
  await cat.page.getByTestId("transferred-by").getByText(`Transferred by ${bob.name}`).waitFor();
  assert.equal(await cat.page.getByTestId("caller-id").textContent(), ann.care4wId);
  await waitForStatus(ann.page, "Ringing");
  await cat.page.getByRole("button", { name: "Answer" }).click();
  await Promise.all([waitForStatus(ann.page, "Connected"), waitForStatus(cat.page, "Connected")]);
  await audioFlows(cat.page, "Ann's audio into Cat's tab");
  await audioFlows(ann.page, "Cat's audio into Ann's tab");
  // Bob's phone heard the 200 in a NOTIFY and left (Ann is on with Cat: nothing else ends it).
  await eventually("Bob's phone to leave the call", async () => {
    return new RegExp(`Call with sip:${ann.care4wId}@\\S+ terminated`).test(
      await logAfter(phone, 2),
    );
  });

  await cat.page.getByRole("button", { name: "Hang up" }).click();
  await Promise.all([waitForStatus(ann.page, "Ended"), waitForStatus(cat.page, "Ended")]);
  await Promise.all([waitForStatus(ann.page, "Ready"), waitForStatus(cat.page, "Ready")]);
}

/** (b) Ann's tab sends the REFER; baresip follows it and calls Cat. */
async function browserTransfersPhone(scene: Scene) {
  const { ann, cat, bob, phone } = scene;
  await annCallsBob(ann, bob, phone, 3);

  await transferTo(ann, NOBODY);
  await ann.page.getByText(`Not transferred: no user ${NOBODY}`).waitFor({ timeout: 15_000 });
  await waitForStatus(ann.page, "Connected");
  await audioFlows(ann.page, "Bob's audio after the failed transfer");

  await transferTo(ann, cat.care4wId);
  await waitForStatus(ann.page, `Ended: Call transferred to ${cat.care4wId}`);
  await waitForStatus(cat.page, "Incoming call");
  assert.equal(await cat.page.getByTestId("caller-id").textContent(), bob.care4wId);
  // baresip sends no Referred-By of its own: Kamailio names who transferred Bob.
  await cat.page.getByTestId("transferred-by").getByText(`Transferred by ${ann.name}`).waitFor();
  await cat.page.getByRole("button", { name: "Answer" }).click();
  await waitForStatus(cat.page, "Connected");
  await audioFlows(cat.page, "Bob's audio into Cat's tab");
  await cat.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(cat.page, "Ended");
}

/** (c) Both ends are tabs: Cat's tab sends the REFER, Ann's tab follows it, to Bob's phone. */
async function browserTransfersBrowser(scene: Scene) {
  const { ann, cat, bob, phone } = scene;
  await ann.page.getByLabel("Number or CareFlow ID").fill(cat.care4wId);
  await ann.page.getByTestId("callee-name").filter({ hasText: cat.name }).waitFor();
  await ann.page.getByRole("button", { name: "Call", exact: true }).click();
  await waitForStatus(cat.page, "Incoming call");
  await cat.page.getByRole("button", { name: "Answer" }).click();
  await Promise.all([waitForStatus(ann.page, "Connected"), waitForStatus(cat.page, "Connected")]);

  // Nobody has this ID: Ann's tab tries, then both tabs keep their call, each told why.
  await transferTo(cat, NOBODY);
  await cat.page.getByText(`Not transferred: no user ${NOBODY}`).waitFor({ timeout: 15_000 });
  await ann.page.getByText(`Not transferred: no user ${NOBODY}`).waitFor();
  await Promise.all([waitForStatus(ann.page, "Connected"), waitForStatus(cat.page, "Connected")]);
  await audioFlows(cat.page, "Ann's audio after the failed transfer");
  await audioFlows(ann.page, "Cat's audio after the failed transfer");

  await transferTo(cat, bob.care4wId);
  await waitForStatus(cat.page, `Ended: Call transferred to ${bob.care4wId}`);
  await ann.page.getByTestId("transferred-by").getByText(`Transferred by ${cat.name}`)
    .waitFor();
  await waitForStatus(ann.page, "Connected");
  await eventually("Bob's phone to answer Ann", async () => {
    return ((await phone.log()).match(/Call established/g) ?? []).length >= 4;
  });
  await audioFlows(ann.page, "Bob's audio into Ann's tab");
  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(ann.page, "Ended: Call ended");
}

/** Every call of the three parts, newest first, in Ann's and in Cat's history. */
async function historiesNameTheTransfers(scene: Scene, base: string) {
  const { ann, cat, bob } = scene;
  const [a, b, c] = [ann.care4wId, bob.care4wId, cat.care4wId];
  await eventually("six calls in Ann's history", async () => {
    return (await history(ann, base)).calls.length >= 6;
  });
  assert.deepEqual(await transfersIn(ann, base), [
    [b, "outbound", "completed", c, null], // (c) the call Cat handed Ann to Bob
    [c, "outbound", "completed", null, b], // (c) Cat's transfer, after the failed one
    [b, "outbound", "completed", null, c], // (b) Ann hands Bob on, after the failed one
    [c, "outbound", "completed", b, null], // (a) the call Bob handed Ann to Cat
    [b, "outbound", "completed", null, c], // (a) Bob's transfer
    [b, "outbound", "completed", null, null], // (a) the transfer that failed
  ]);
  assert.deepEqual(await transfersIn(cat, base), [
    [a, "inbound", "completed", null, b],
    [b, "inbound", "completed", a, null],
    [a, "inbound", "completed", b, null],
  ]);
  const named = (await history(cat, base)).calls[1].transferredBy;
  assert.deepEqual(named, { care4wId: a, displayName: ann.name });
}

/** What both parts share; the test ends all of it. */
interface Scene {
  ann: PhoneUser;
  cat: PhoneUser;
  bob: SipPhoneUser;
  phone: Baresip;
}

Deno.test({
  name: "sip mode: blind transfer by REFER, from a SIP phone and from the dashboard",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withSipScene({
      domain: DOMAIN,
      phone: { name: "Bob", quitAfter: 170, control: true },
      tabs: ["Ann", "Cat"],
    }, async ({ web, phoneUser: bob, phone, tabs: [ann, cat], errors }) => {
      const scene = { ann, cat, bob, phone };
      await phoneTransfersBrowser(scene);
      await browserTransfersPhone(scene);
      await waitForStatus(ann.page, "Ready");
      await browserTransfersBrowser(scene);
      await historiesNameTheTransfers(scene, web.server.url);
      for (const seen of errors) assert.deepEqual(seen, []);
    }),
});

/**
 * Attended transfer on SIP calls through the real stack (Kamailio, RTPEngine, agent, web in `sip`
 * mode): REFER with Replaces (RFC 3891, RFC 5589 §7), all three parties dashboards.
 * (a) Ann calls Bob; Bob asks Cat first (Ann goes on hold), Cat answers, Bob completes: Ann's tab
 *     calls Cat with Replaces, Cat's tab takes it in place of Bob's call without ringing and
 *     ends Bob's; Ann and Cat hear each other, Bob's card says "Call transferred", Cat's shows
 *     who handed Ann over;
 * (b) Bob asks Cat first again and Cat declines: Ann's call comes back to Bob, still on hold, with
 *     the refusal as a notice; Resume takes it up with audio;
 * (c) Bob asks Dan's baresip phone first. baresip 1.0 has no Replaces support (neither it nor
 *     libre 1.1 knows the header): it answers Ann's INVITE, which carries the Replaces, as a second
 *     call and keeps Bob's; Bob's tab, told 200 in a NOTIFY, ends the consultation itself. (As a
 *     transferee baresip 1.0 is no use: it writes the Refer-To's URI headers into the Request-URI
 *     and sends no Replaces, so the target rings it as a new call: not tested.)
 * Then Ann's and Bob's histories hold every call once, the consultations too, each transfer named
 * as Kamailio recorded it (pbx/kamailio/records.cfg).
 *
 * Real processes (redis, rtpengine, kamailio, the agent, web, chromium, baresip), every port a
 * free one; a missing one makes the test fail, never skip. All are ended by the test, by PID.
 */
import assert from "node:assert/strict";
import { eventually } from "../../testing/eventually.ts";
import { audioFlows, type SipPhoneUser, waitRegistered, withSipScene } from "../testing/sip-web.ts";
import type { Baresip } from "../../pbx/testing/baresip.ts";
import { dial, history, type PhoneUser, transfersIn, waitForStatus } from "../testing/phone-kit.ts";

const DOMAIN = "careflow.e2e";

/** The three tabs and Dan's phone; the test ends all of them. */
interface Scene {
  ann: PhoneUser;
  bob: PhoneUser;
  cat: PhoneUser;
  dan: SipPhoneUser;
  phone: Baresip;
}

/** Ann's tab calls Bob's, who answers; resolves once audio flows both ways. */
async function annCallsBob({ ann, bob }: Scene) {
  await dial(ann, bob);
  await waitForStatus(bob.page, "Incoming call");
  await bob.page.getByRole("button", { name: "Answer" }).click();
  await Promise.all([waitForStatus(ann.page, "Connected"), waitForStatus(bob.page, "Connected")]);
  // Ann's card names Bob as her dialer's lookup did (SIP's answers name nobody).
  await ann.page.locator(".party").getByText(bob.name, { exact: true }).waitFor();
  await audioFlows(ann.page, "Bob's audio into Ann's tab");
  await audioFlows(bob.page, "Ann's audio into Bob's tab");
}

/** Bob asks `colleague` first: Ann is put on hold. */
async function bobAsks({ ann, bob }: Scene, colleague: string) {
  const field = bob.page.getByLabel("Transfer to (CareFlow ID)");
  if (!(await field.isVisible())) await bob.page.getByRole("button", { name: "Transfer" }).click();
  await field.fill(colleague);
  await bob.page.getByRole("button", { name: "Ask first" }).click();
  await waitForStatus(ann.page, "On hold by the other side");
  await bob.page.getByTestId("call-parked").getByText(ann.name).waitFor();
}

/** Bob asks Cat first: Ann is put on hold and Cat's tab rings. */
async function bobAsksCat(scene: Scene) {
  await bobAsks(scene, scene.cat.care4wId);
  await waitForStatus(scene.cat.page, "Incoming call");
}

/** (a) Bob consults Cat, then hands Ann over to her. */
async function completed(scene: Scene) {
  const { ann, bob, cat } = scene;
  await annCallsBob(scene);
  await bobAsksCat(scene);
  await cat.page.getByRole("button", { name: "Answer" }).click();
  await Promise.all([waitForStatus(bob.page, "Connected"), waitForStatus(cat.page, "Connected")]);
  await audioFlows(cat.page, "Bob's audio into Cat's tab");

  await bob.page.getByRole("button", { name: /^Complete transfer to / }).click();
  await waitForStatus(bob.page, `Ended: Call transferred to ${cat.care4wId}`);
  await bob.page.getByTestId("call-parked").waitFor({ state: "detached" });
  // Cat's tab took Ann's call in place of Bob's: no ringing, her card names who handed it over.
  await waitForStatus(cat.page, "Connected");
  await cat.page.getByTestId("transferred-by").getByText(`Transferred by ${bob.name}`)
    .waitFor();
  await cat.page.locator(".party .party-id").getByText(ann.care4wId).waitFor();
  await waitForStatus(ann.page, "Connected");
  await audioFlows(cat.page, "Ann's audio into Cat's tab");
  await audioFlows(ann.page, "Cat's audio into Ann's tab");
  // Nothing is left with Bob: the calls he had are over on both of his lines.
  await waitForStatus(bob.page, "Ready");

  await cat.page.getByRole("button", { name: "Hang up" }).click();
  await Promise.all([waitForStatus(ann.page, "Ended"), waitForStatus(cat.page, "Ended")]);
  await Promise.all([waitForStatus(ann.page, "Ready"), waitForStatus(cat.page, "Ready")]);
}

/** (b) Cat declines the consultation: Ann's call comes back to Bob, on hold. */
async function declined(scene: Scene) {
  const { ann, bob, cat } = scene;
  await annCallsBob(scene);
  await bobAsksCat(scene);
  await cat.page.getByRole("button", { name: "Decline" }).click();
  await waitForStatus(bob.page, "On hold");
  await bob.page.getByTestId("recording-notice").getByText("Declined").waitFor();
  assert.equal(await bob.page.getByTestId("call-parked").count(), 0);
  assert.equal(await bob.page.getByRole("button", { name: /^Complete transfer/ }).count(), 0);
  await bob.page.getByRole("button", { name: "Resume" }).click();
  await Promise.all([waitForStatus(bob.page, "Connected"), waitForStatus(ann.page, "Connected")]);
  await audioFlows(bob.page, "Ann's audio back in Bob's tab");
  await audioFlows(ann.page, "Bob's audio back in Ann's tab");
  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await Promise.all([waitForStatus(ann.page, "Ended"), waitForStatus(bob.page, "Ended")]);
}

/** (c) Bob consults Dan's phone, which knows nothing of Replaces; Bob's tab ends his call. */
async function phoneAsTarget(scene: Scene) {
  const { ann, bob, dan, phone } = scene;
  await annCallsBob(scene);
  await bobAsks(scene, dan.care4wId);
  await waitForStatus(bob.page, "Connected");
  await audioFlows(bob.page, "Dan's audio into Bob's tab");
  await bob.page.getByRole("button", { name: /^Complete transfer to / }).click();
  await waitForStatus(bob.page, `Ended: Call transferred to ${dan.care4wId}`);
  await waitForStatus(ann.page, "Connected");
  await audioFlows(ann.page, "Dan's audio into Ann's tab");
  const log = await phone.log();
  // Ann's INVITE named Bob's call with Dan, as the target must be told (RFC 3891).
  assert.match(log, /\nReplaces: [^;\r\n]+;to-tag=[^;\r\n]+;from-tag=[^;\r\n]+\r?\n/);
  assert.match(log, new RegExp(`Call established: sip:${ann.care4wId}@`));
  await eventually("Bob's tab to end Dan's call with him", async () => {
    return new RegExp(`Call with sip:${bob.care4wId}@\\S+ terminated`).test(await phone.log());
  });
  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(ann.page, "Ended: Call ended");
}

/** The calls of (a), (b) and (c), newest first, as Ann and Bob see them. */
async function historiesNameTheTransfers(scene: Scene, base: string) {
  const { ann, bob, cat, dan } = scene;
  const [a, b, c, d] = [ann.care4wId, bob.care4wId, cat.care4wId, dan.care4wId];
  await eventually("five calls in Ann's history and six in Bob's", async () => {
    return (await history(ann, base)).calls.length >= 5 &&
      (await history(bob, base)).calls.length >= 6;
  });
  assert.deepEqual(await transfersIn(ann, base), [
    [d, "outbound", "completed", b, null], // (c) handed over to Dan
    [b, "outbound", "completed", null, d],
    [b, "outbound", "completed", null, null], // (b) Cat declined: no transfer
    [c, "outbound", "completed", b, null], // (a) handed over to Cat
    [b, "outbound", "completed", null, c],
  ]);
  assert.deepEqual(await transfersIn(bob, base), [
    [d, "outbound", "completed", null, null], // (c) the consultation
    [a, "inbound", "completed", null, d],
    [c, "outbound", "declined", null, null], // (b) the consultation Cat declined
    [a, "inbound", "completed", null, null],
    [c, "outbound", "completed", null, null], // (a) the consultation, replaced by Ann's call
    [a, "inbound", "completed", null, c],
  ]);
}

Deno.test({
  name: "sip mode: attended transfer by REFER with Replaces (tabs, a baresip target), declined",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withSipScene({
      domain: DOMAIN,
      phone: { name: "Dan", quitAfter: 170 },
      tabs: ["Ann", "Bob", "Cat"],
    }, async ({ web, phoneUser: dan, phone, tabs: [ann, bob, cat], errors }) => {
      await waitRegistered(web, [dan]);
      const scene = { ann, bob, cat, dan, phone };
      await completed(scene);
      await declined(scene);
      await waitForStatus(bob.page, "Ready");
      await phoneAsTarget(scene);
      await historiesNameTheTransfers(scene, web.server.url);
      for (const seen of errors) assert.deepEqual(seen, []);
    }),
});

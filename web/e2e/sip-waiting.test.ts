/**
 * Call waiting on SIP calls through the real stack (Kamailio, RTPEngine, agent, web in `sip`
 * mode): Ann's dashboard is on a call with Bob's baresip phone when Cat's dashboard calls her.
 * (a) Cat rings softly beside Bob's call; Ann answers: Bob's phone is put on hold (a sendonly
 *     re-INVITE reaches it, its audio stops), Ann and Cat hear each other; Ann swaps: Bob is back
 *     with audio, Cat on hold; Cat hangs up while on hold: only the call on hold goes, Ann and Bob
 *     still talk;
 * (b) the call shown ends while one is on hold: Bob's call comes back, still on hold, and Resume
 *     takes it up again; a call waiting sent "To voicemail" is heard busy by Cat (no FreeSWITCH
 *     here), one declined is heard as declined;
 * (c) with Ann's call waiting off (her settings, then her page reloaded) Cat's call is refused busy
 *     and nothing rings beside Bob's call.
 *
 * Real processes (redis, rtpengine, kamailio, the agent, web, baresip, chromium), every port a
 * free one; a missing one makes the test fail, never skip. All are ended by the test, by PID.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { eventually, sleep } from "../../testing/eventually.ts";
import { type SipPhoneUser, type SipWeb, withSipScene } from "../testing/sip-web.ts";
import type { Baresip } from "../../pbx/testing/baresip.ts";
import { patchOwnSettings, type PhoneUser, waitForStatus } from "../testing/phone-kit.ts";

const DOMAIN = "careflow.e2e";

/** What the parts share; the test ends all of it. */
interface Scene {
  web: SipWeb;
  ann: PhoneUser;
  cat: PhoneUser;
  bob: SipPhoneUser;
  phone: Baresip;
}

/**
 * Audio bytes received by one of the page's peer connections: `index` into the order they were
 * made (negative from the newest), each SIP call having its own.
 */
function peerBytes(page: Page, index: number): Promise<number> {
  return page.evaluate(async (index) => {
    // deno-lint-ignore no-explicit-any
    const peers = (globalThis as any).__peers as RTCPeerConnection[];
    const peer = peers.at(index);
    if (!peer || peer.connectionState === "closed") return 0;
    let bytes = 0;
    (await peer.getStats()).forEach((stat) => {
      if (stat.type === "inbound-rtp" && stat.kind === "audio") bytes += stat.bytesReceived ?? 0;
    });
    return bytes;
  }, index);
}

/** Whether audio arrives in that peer connection over the next moment. */
async function flowing(page: Page, index: number) {
  const before = await peerBytes(page, index);
  await sleep(1000);
  return (await peerBytes(page, index)) > before + 500;
}

const flows = (page: Page, index: number, what: string) =>
  eventually(what, () => flowing(page, index), { timeoutMs: 15_000 });
const stops = (page: Page, index: number, what: string) =>
  eventually(what, async () => !(await flowing(page, index)), { timeoutMs: 15_000 });

/** The baresip log since its `n`-th established call, for reading what followed. */
async function logAfter(phone: Baresip, n: number) {
  return (await phone.log()).split("Call established").slice(n).join("Call established");
}

/** Ann's dashboard calls Bob's phone, which answers (its `n`-th call); audio flows. */
async function annCallsBob({ ann, bob, phone }: Scene, n: number) {
  await ann.page.getByLabel("Number or CareFlow ID").fill(bob.care4wId);
  await ann.page.getByTestId("callee-name").filter({ hasText: bob.name }).waitFor();
  await ann.page.getByRole("button", { name: "Call", exact: true }).click();
  await waitForStatus(ann.page, "Connected");
  await eventually("Bob's phone to answer", async () => {
    return ((await phone.log()).match(/Call established/g) ?? []).length >= n;
  });
  await flows(ann.page, -1, "Bob's audio into Ann's tab");
}

/** Cat's dashboard calls Ann's, who is on a call. */
async function catCallsAnn({ ann, cat }: Scene) {
  await cat.page.getByLabel("Number or CareFlow ID").fill(ann.care4wId);
  await cat.page.getByTestId("callee-name").filter({ hasText: ann.name }).waitFor();
  await cat.page.getByRole("button", { name: "Call", exact: true }).click();
}

/** Cat rings beside Ann's call with Bob, softly, and her phone hears it ring. */
async function catWaits(scene: Scene) {
  await catCallsAnn(scene);
  const waiting = scene.ann.page.getByTestId("call-waiting");
  // Named as the SIP edge asserts her identity: her directory name and CareFlow ID.
  await waiting.getByText(`${scene.cat.name} is calling`).waitFor();
  assert.match(await waiting.textContent() ?? "", new RegExp(scene.cat.care4wId));
  await waitForStatus(scene.cat.page, "Ringing");
  await waitForStatus(scene.ann.page, "Connected");
  return waiting;
}

/** (a) Answer the call waiting, swap, and the call on hold hangs up. */
async function answerSwapAndHangUpOnHold(scene: Scene) {
  const { ann, cat, bob, phone } = scene;
  await annCallsBob(scene, 1);
  const waiting = await catWaits(scene);
  await waiting.getByRole("button", { name: "Answer and hold this call" }).click();
  await Promise.all([waitForStatus(cat.page, "Connected"), waitForStatus(ann.page, "Connected")]);
  await ann.page.getByTestId("call-parked").getByText(bob.name).waitFor();
  assert.equal(await waiting.count(), 0);
  // The hold re-INVITE went through Kamailio and RTPEngine to Bob's phone, which stops sending.
  await eventually("Bob's phone to be put on hold", async () => {
    return /a=sendonly/.test(await logAfter(phone, 1));
  });
  await stops(ann.page, -2, "Bob's audio to stop while on hold");
  await flows(ann.page, -1, "Cat's audio into Ann's tab");
  await flows(cat.page, -1, "Ann's audio into Cat's tab");

  await ann.page.getByRole("button", { name: "Swap" }).click();
  await waitForStatus(cat.page, "On hold by the other side");
  await waitForStatus(ann.page, "Connected");
  await ann.page.getByTestId("call-parked").getByText(cat.name).waitFor();
  await flows(ann.page, -2, "Bob's audio back into Ann's tab");
  await stops(ann.page, -1, "Cat's audio to stop while on hold");
  await eventually("Bob's phone to be resumed", async () => {
    return /a=sendonly[\s\S]*a=sendrecv/.test(await logAfter(phone, 1));
  });

  // Cat hangs up while on hold: the call on hold goes, the call with Bob stays as it was.
  await cat.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(cat.page, "Ended");
  await ann.page.getByTestId("call-parked").waitFor({ state: "detached" });
  await ann.page.getByText(`${cat.name} hung up while on hold`).waitFor();
  await waitForStatus(ann.page, "Connected");
  await flows(ann.page, -2, "Bob's audio after Cat hung up");

  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(ann.page, "Ended: Call ended");
  await eventually("Bob's phone to hang up", async () => {
    return new RegExp(`Call with sip:${ann.care4wId}@\\S+ terminated`).test(
      await logAfter(phone, 1),
    );
  });
  await Promise.all([waitForStatus(ann.page, "Ready"), waitForStatus(cat.page, "Ready")]);
}

/** (b) The call shown ends and the one on hold comes back; to voicemail; declined. */
async function endShownVoicemailDecline(scene: Scene) {
  const { ann, cat, bob } = scene;
  await annCallsBob(scene, 2);
  let waiting = await catWaits(scene);
  await waiting.getByRole("button", { name: "Answer and hold this call" }).click();
  await Promise.all([waitForStatus(cat.page, "Connected"), waitForStatus(ann.page, "Connected")]);
  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(cat.page, "Ended: Call ended");
  // Bob's call is shown again, still on hold, with how Cat's call ended; Resume takes it up.
  await waitForStatus(ann.page, "On hold");
  await ann.page.getByText(bob.care4wId).first().waitFor();
  await ann.page.getByTestId("recording-notice").getByText("Call ended").waitFor();
  assert.equal(await ann.page.getByTestId("call-parked").count(), 0);
  await ann.page.getByRole("button", { name: "Resume" }).click();
  await waitForStatus(ann.page, "Connected");
  await flows(ann.page, -2, "Bob's audio after resuming");
  await waitForStatus(cat.page, "Ready");

  waiting = await catWaits(scene);
  await waiting.getByRole("button", { name: "To voicemail" }).click();
  await waitForStatus(cat.page, "Busy on another call");
  await waiting.waitFor({ state: "detached" });
  await waitForStatus(ann.page, "Connected");
  // Busy offers Cat a message; she calls again instead (the dialer takes a call after an end).

  waiting = await catWaits(scene);
  await waiting.getByRole("button", { name: "Decline" }).click();
  await waitForStatus(cat.page, "Declined");
  await waiting.waitFor({ state: "detached" });
  await waitForStatus(ann.page, "Connected");
  await flows(ann.page, -2, "Bob's audio after both refusals");
  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(ann.page, "Ended: Call ended");
  await Promise.all([waitForStatus(ann.page, "Ready"), waitForStatus(cat.page, "Ready")]);
}

/** (c) Call waiting off: a call while on a call is refused busy, nothing rings. */
async function callWaitingOff(scene: Scene) {
  const { web, ann, cat } = scene;
  await patchOwnSettings(ann, web.server.url, { presence: { callWaiting: false } });
  // The engine reads the settings once per page.
  await ann.page.reload();
  await waitForStatus(ann.page, "Ready");
  await annCallsBob(scene, 3);
  await catCallsAnn(scene);
  await waitForStatus(cat.page, "Busy on another call");
  assert.equal(await ann.page.getByTestId("call-waiting").count(), 0, "nothing rang");
  await waitForStatus(ann.page, "Connected");
  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(ann.page, "Ended: Call ended");
}

Deno.test({
  name: "sip mode: call waiting (answer, swap, hold ends, to voicemail, decline, off)",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withSipScene({
      domain: DOMAIN,
      phone: { name: "Bob", quitAfter: 200 },
      tabs: ["Ann", "Cat"],
    }, async ({ web, phoneUser: bob, phone, tabs: [ann, cat], errors }) => {
      const scene = { web, ann, cat, bob, phone };
      await answerSwapAndHangUpOnHold(scene);
      await endShownVoicemailDecline(scene);
      for (const seen of errors) assert.deepEqual(seen, []);
      await callWaitingOff(scene);
    }),
});

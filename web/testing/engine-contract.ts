/**
 * The contract every browser call engine passes, driven through the real dashboard in Chromium:
 * two signed-in users call each other and both screens must show the same phases and the same
 * words, whichever engine carries the call. Every expected text comes from the one table the
 * engines use (`client/call/end-reasons.ts`).
 */
import assert from "node:assert/strict";
import type { CallDirection } from "../../shared/calls.ts";
import { eventually } from "../../testing/eventually.ts";
import { type CallEnd, endText } from "../client/call/end-reasons.ts";
import { defineContract } from "./contract.ts";
import { dial, history, inboundAudioBytes, type PhoneUser, waitForStatus } from "./phone-kit.ts";

/** Two users with the dashboard open, on one server running the engine under test. */
export interface PhonePair {
  base: string;
  ann: PhoneUser;
  bob: PhoneUser;
  /** Whether this call path writes call history yet, so the checks also read it back. */
  recordsHistory: boolean;
  /**
   * Whether the callee sees the caller's name (else their CareFlow ID): SIP calls carry only the
   * ID until the SIP edge asserts the caller's identity.
   */
  namesCaller: boolean;
}

const ended = (end: CallEnd, side: CallDirection) => `Ended: ${endText(end, side)}`;

/** Waits for both sides to show how the call ended, then (where recorded) both histories. */
async function bothEnded(
  pair: PhonePair,
  end: CallEnd,
  status: string,
  caller = pair.ann,
  callee = pair.bob,
) {
  await waitForStatus(caller.page, ended(end, "outbound"));
  await waitForStatus(callee.page, ended(end, "inbound"));
  if (!pair.recordsHistory) return;
  for (const user of [caller, callee]) {
    await eventually(
      `${user.name}'s history to say ${status}`,
      async () => (await history(user, pair.base)).calls[0]?.status === status,
    );
  }
}

/** Audio bytes arrive on `user`'s page, and keep arriving. */
async function audioFlows(user: PhoneUser) {
  let first = 0;
  await eventually(`audio into ${user.name}'s browser`, async () => {
    first = await inboundAudioBytes(user.page);
    return first > 0;
  });
  await eventually(
    `audio to keep flowing to ${user.name}`,
    async () => (await inboundAudioBytes(user.page)) > first,
  );
}

/** Registers the call-engine contract for one engine. */
export const callEngineContract = defineContract<PhonePair>("call engine", {
  "a call rings, connects with audio both ways, mutes, holds and ends as Call ended": async (
    pair,
  ) => {
    const { ann, bob } = pair;
    await dial(ann, bob);
    await waitForStatus(bob.page, "Incoming call");
    assert.equal(await bob.page.getByTestId("caller-id").textContent(), ann.care4wId);
    assert.equal(
      await bob.page.getByTestId("caller-name").textContent(),
      pair.namesCaller ? ann.name : ann.care4wId,
    );
    await waitForStatus(ann.page, "Ringing…");
    await bob.page.getByRole("button", { name: "Answer" }).click();
    await waitForStatus(ann.page, "Connected");
    await waitForStatus(bob.page, "Connected");
    await audioFlows(ann);
    await audioFlows(bob);

    await ann.page.getByRole("button", { name: "Mute", exact: true }).click();
    await waitForStatus(ann.page, "Connected · muted");
    // The pressed control says what it does now, and its state is exposed.
    const unmute = ann.page.getByRole("button", { name: "Unmute", exact: true });
    if (await unmute.getAttribute("aria-pressed") !== "true") throw new Error("Unmute not pressed");
    await unmute.click();
    await waitForStatus(ann.page, /^Connected$/);
    // The keyboard does the same: M mutes (focus on the page, not in a field).
    await ann.page.locator("body").press("m");
    await waitForStatus(ann.page, "Connected · muted");
    await ann.page.locator("body").press("m");
    await waitForStatus(ann.page, /^Connected$/);
    await ann.page.getByRole("button", { name: "Hold", exact: true }).click();
    await waitForStatus(ann.page, "On hold");
    await waitForStatus(bob.page, "On hold by the other side");
    await ann.page.getByRole("button", { name: "Resume", exact: true }).click();
    await waitForStatus(ann.page, "Connected");
    await waitForStatus(bob.page, "Connected");
    await ann.page.getByTestId("call-timer").filter({ hasText: /0:0[1-9]/ }).waitFor();

    await ann.page.getByRole("button", { name: "Hang up" }).click();
    await bothEnded(pair, "hangup", "completed");
    await waitForStatus(ann.page, "Ready");
    await waitForStatus(bob.page, "Ready");
    if (pair.recordsHistory) {
      const sides = [[ann, bob, "outbound"], [bob, ann, "inbound"]] as const;
      for (const [user, other, direction] of sides) {
        const { calls } = await history(user, pair.base);
        assert.equal(calls.length, 1, `${user.name} has exactly one record of the call`);
        const [call] = calls;
        assert.equal(call.direction, direction);
        assert.equal(call.otherParty.care4wId, other.care4wId);
        assert.ok(call.duration >= 1, `duration ${call.duration}`);
      }
      // Each tab reports what getStats measured once the call is over: the history shows it.
      await eventually(
        "the call's measured quality in the history",
        async () => (await history(bob, pair.base)).calls[0]?.quality !== null,
      );
      await bob.page.goto(`${pair.base}/dashboard/history`);
      await bob.page.getByTestId("call-row-status").filter({ hasText: "Completed" }).waitFor();
      await bob.page.getByTestId("call-quality").filter({ hasText: /(Good|Fair|Poor) audio/ })
        .waitFor();
    }
  },
  "the callee declines: Declined for the caller, You declined for the callee": async (pair) => {
    await dial(pair.ann, pair.bob);
    await waitForStatus(pair.bob.page, "Incoming call");
    await pair.bob.page.getByRole("button", { name: "Decline" }).click();
    await bothEnded(pair, "declined", "declined");
  },
  "the caller withdraws while it rings: Cancelled, and The caller hung up": async (pair) => {
    await dial(pair.ann, pair.bob);
    await waitForStatus(pair.bob.page, "Incoming call");
    await waitForStatus(pair.ann.page, "Ringing…");
    await pair.ann.page.getByRole("button", { name: "Hang up" }).click();
    await bothEnded(pair, "cancelled", "cancelled");
  },
  "nobody answers: No answer for the caller, Missed call for the callee": async (pair) => {
    await dial(pair.ann, pair.bob);
    await waitForStatus(pair.bob.page, "Incoming call");
    await bothEnded(pair, "missed", "missed");
  },
  "the callee is signed in nowhere: Not available right now": async (pair) => {
    await pair.bob.page.close();
    await dial(pair.ann, pair.bob);
    // At once: nothing rings anywhere, so nothing is waited for.
    await waitForStatus(pair.ann.page, ended("unavailable", "outbound"), 3_000);
    if (pair.recordsHistory) {
      await eventually(
        "the caller's history to say unavailable",
        async () => (await history(pair.ann, pair.base)).calls[0]?.status === "unavailable",
      );
    }
  },
});

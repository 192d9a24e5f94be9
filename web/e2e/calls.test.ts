import assert from "node:assert/strict";
import { launchChromium } from "../testing/browser.ts";
import { startServer } from "../testing/server.ts";
import {
  dial,
  history,
  inboundAudioBytes,
  openPhone,
  type PhoneUser,
  waitForStatus,
} from "../testing/phone-kit.ts";

/** Polls until `check` passes (audio counters move in real time). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Ann and Bob signed in with their phones open, on a fresh server; everything closed after. */
async function withTwoPhones(
  env: Record<string, string>,
  scenario: (ann: PhoneUser, bob: PhoneUser, base: string) => Promise<void>,
) {
  const server = await startServer(env);
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    const bob = await openPhone(browser, server.url, "Bob Nurse");
    await scenario(ann, bob, server.url);
  } finally {
    await browser.close();
    await server.close();
  }
}

Deno.test("A calls B by CareFlow ID: ring, answer, audio both ways, hold, hang up, history", () =>
  withTwoPhones({}, async (ann, bob, base) => {
    await dial(ann, bob);
    await waitForStatus(bob.page, "Incoming call");
    assert.equal(await bob.page.getByTestId("caller-name").textContent(), "Ann Carer");
    assert.equal(await bob.page.getByTestId("caller-id").textContent(), ann.care4wId);
    await waitForStatus(ann.page, "Ringing…");
    await bob.page.getByRole("button", { name: "Answer" }).click();
    await waitForStatus(ann.page, "Connected");
    await waitForStatus(bob.page, "Connected");

    // Audio flows both ways, and keeps flowing.
    for (const user of [ann, bob]) {
      const first = await (async () => {
        let bytes = 0;
        await eventually(async () => (bytes = await inboundAudioBytes(user.page)) > 0);
        return bytes;
      })();
      await eventually(async () => (await inboundAudioBytes(user.page)) > first);
    }

    await ann.page.getByRole("button", { name: "Hold" }).click();
    await waitForStatus(ann.page, "On hold");
    await waitForStatus(bob.page, "On hold by the other side");
    await ann.page.getByRole("button", { name: "Hold" }).click();
    await waitForStatus(ann.page, "Connected");
    await waitForStatus(bob.page, "Connected");
    await ann.page.getByTestId("call-timer").filter({ hasText: /0:0[1-9]/ }).waitFor();

    await ann.page.getByRole("button", { name: "Hang up" }).click();
    await waitForStatus(ann.page, "Ended: Call ended");
    await waitForStatus(bob.page, "Ended: Call ended");
    await waitForStatus(ann.page, "Ready");
    await waitForStatus(bob.page, "Ready");

    for (
      const [user, other, direction] of [[ann, bob, "outbound"], [bob, ann, "inbound"]] as const
    ) {
      await eventually(async () => (await history(user, base)).calls.length === 1);
      const [call] = (await history(user, base)).calls;
      assert.equal(call.status, "completed");
      assert.equal(call.direction, direction);
      assert.equal(call.otherParty.care4wId, other.care4wId);
      assert.ok(call.duration >= 1, `duration ${call.duration}`);
    }
    await bob.page.goto(`${base}/dashboard/history`);
    await bob.page.getByTestId("call-row-status").filter({ hasText: "Completed" }).waitFor();
  }));

Deno.test("B declines: both see it end and both histories say declined", () =>
  withTwoPhones({}, async (ann, bob, base) => {
    await dial(ann, bob);
    await waitForStatus(bob.page, "Incoming call");
    await bob.page.getByRole("button", { name: "Decline" }).click();
    await waitForStatus(ann.page, "Ended: Declined");
    await waitForStatus(bob.page, "Ended: You declined");
    for (const user of [ann, bob]) {
      await eventually(async () => (await history(user, base)).calls[0]?.status === "declined");
    }
  }));

Deno.test("nobody answers: the call is missed for both after the ring timeout", () =>
  withTwoPhones({ RING_TIMEOUT_SECONDS: "2" }, async (ann, bob, base) => {
    await dial(ann, bob);
    await waitForStatus(bob.page, "Incoming call");
    await waitForStatus(ann.page, "Ended: No answer");
    await waitForStatus(bob.page, "Ended: Missed call");
    for (const user of [ann, bob]) {
      await eventually(async () => (await history(user, base)).calls[0]?.status === "missed");
    }
  }));

Deno.test("A cancels while B's phone rings: both see it end as cancelled", () =>
  withTwoPhones({}, async (ann, bob, base) => {
    await dial(ann, bob);
    await waitForStatus(bob.page, "Incoming call");
    await ann.page.getByRole("button", { name: "Hang up" }).click();
    await waitForStatus(ann.page, "Ended: Cancelled");
    await waitForStatus(bob.page, "Ended: The caller hung up");
    for (const user of [ann, bob]) {
      await eventually(async () => (await history(user, base)).calls[0]?.status === "cancelled");
    }
  }));

Deno.test("B is not signed in anywhere: A sees unavailable at once", () =>
  withTwoPhones({}, async (ann, bob, base) => {
    await bob.context.close();
    await dial(ann, bob);
    await waitForStatus(ann.page, "Ended: Not available right now", 3_000);
    await eventually(async () => (await history(ann, base)).calls[0]?.status === "unavailable");
  }));

/**
 * Calls that survive (issue 14), in two real Chromium contexts: a web restart mid-call keeps the
 * peer-to-peer audio flowing and the call still ends cleanly with one record; two people calling
 * each other at once get one call; a callee whose microphone is blocked fails the call with
 * words for both sides; a reload during a call ends it for both at once.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { launchChromium } from "../testing/browser.ts";
import {
  audioKeepsFlowing,
  connectCall,
  dial,
  history,
  openPhone,
  type PhoneUser,
  waitForStatus,
} from "../testing/phone-kit.ts";
import { type RunningServer, startServer } from "../testing/server.ts";
import { eventually } from "../../testing/eventually.ts";

/** getUserMedia refused, as when the user blocked the microphone for the site. */
const BLOCKED_MICROPHONE = `(() => {
  navigator.mediaDevices.getUserMedia = () =>
    Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
})()`;

async function withTwo(
  test: (
    ctx: { server: RunningServer; browser: Browser; ann: PhoneUser; bob: PhoneUser },
  ) => Promise<void>,
  options: { bobsMicrophoneBlocked?: boolean } = {},
) {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    const bob = await openPhone(browser, server.url, "Bob Nurse", async (context) => {
      if (options.bobsMicrophoneBlocked) await context.addInitScript(BLOCKED_MICROPHONE);
    });
    await test({ server, browser, ann, bob });
  } finally {
    await browser.close();
    await server.close();
  }
}

Deno.test("a web restart mid-call keeps the audio, and the call ends cleanly with one record", async () => {
  await withTwo(async ({ server, ann, bob }) => {
    await connectCall(ann, bob);
    await server.restart();
    // Down and up again: the audio never stopped, both tabs reconnect and resume the call.
    await audioKeepsFlowing(ann, bob);
    await waitForStatus(ann.page, "Connected");
    await waitForStatus(bob.page, "Connected");
    await eventually("both tabs back on the signaling", async () => {
      const ready = await Promise.all([ann, bob].map((side) =>
        side.page.evaluate(async () => {
          const response = await fetch("/api/me");
          return response.ok;
        })
      ));
      return ready.every(Boolean);
    });
    // Hold crosses the new server: proof the call's state is back there, not only the audio.
    await bob.page.waitForTimeout(1500);
    await ann.page.getByRole("button", { name: "Hold" }).click();
    await bob.page.getByText(/on hold/i).first().waitFor();
    await ann.page.getByRole("button", { name: /Resume|Unhold/ }).click();
    await bob.page.getByRole("button", { name: "Hang up" }).click();
    await waitForStatus(ann.page, /ended/i);
    for (const side of [ann, bob]) {
      await eventually("one history record", async () => {
        const { calls } = await history(side, server.url);
        return calls.length === 1 && calls[0].status === "completed";
      });
    }
  });
});

Deno.test("two people calling each other at once get one connected call", async () => {
  await withTwo(async ({ server, ann, bob }) => {
    await ann.page.getByLabel("Number or CareFlow ID").fill(bob.care4wId);
    await bob.page.getByLabel("Number or CareFlow ID").fill(ann.care4wId);
    await ann.page.getByTestId("callee-name").filter({ hasText: bob.name }).waitFor();
    await bob.page.getByTestId("callee-name").filter({ hasText: ann.name }).waitFor();
    await Promise.all([
      ann.page.getByRole("button", { name: "Call", exact: true }).click(),
      bob.page.getByRole("button", { name: "Call", exact: true }).click(),
    ]);
    await waitForStatus(ann.page, "Connected");
    await waitForStatus(bob.page, "Connected");
    await audioKeepsFlowing(ann, bob);
    await ann.page.getByRole("button", { name: "Hang up" }).click();
    await waitForStatus(bob.page, /ended/i);
    for (const side of [ann, bob]) {
      await eventually("one record, answered", async () => {
        const { calls } = await history(side, server.url);
        return calls.length === 1 && calls[0].status === "completed";
      });
    }
  });
});

Deno.test("a callee whose microphone is blocked fails the call, in words for both sides", async () => {
  await withTwo(async ({ server, ann, bob }) => {
    await dial(ann, bob);
    await bob.page.getByRole("button", { name: "Answer" }).click();
    await ann.page.getByText("Bob Nurse's microphone is not available").first().waitFor();
    await bob.page.getByText(/microphone/i).first().waitFor();
    for (const side of [ann, bob]) {
      await eventually("one failed record", async () => {
        const { calls } = await history(side, server.url);
        return calls.length === 1 && calls[0].status === "failed";
      });
    }
  }, { bobsMicrophoneBlocked: true });
});

Deno.test("a reload during a call ends it for both sides at once", async () => {
  await withTwo(async ({ server, ann, bob }) => {
    await connectCall(ann, bob);
    const reloaded = Date.now();
    await bob.page.reload();
    await waitForStatus(ann.page, /ended/i, 5000);
    assert.ok(Date.now() - reloaded < 5000, "ended at once, not after the grace period");
    await waitForStatus(bob.page, "Ready");
    for (const side of [ann, bob]) {
      await eventually("one record", async () => {
        const { calls } = await history(side, server.url);
        return calls.length === 1 && calls[0].status === "completed";
      });
    }
  });
});

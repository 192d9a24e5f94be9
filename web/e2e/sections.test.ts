/**
 * The phone on every section (issue 14): in two real Chromium contexts, a call reaches a user
 * wherever they are in the dashboard and keeps its audio while they move between sections; the
 * section links stay real links (history entries, back works), and the call ends cleanly with one
 * record on each side.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium, watchErrors } from "../testing/browser.ts";
import {
  dial,
  history,
  inboundAudioBytes,
  openPhone,
  waitForStatus,
} from "../testing/phone-kit.ts";
import { startServer } from "../testing/server.ts";
import { eventually } from "../../testing/eventually.ts";

/** The desktop notices the call worker shows now (client/call-notice.ts). */
const shownNotices = (page: Page) =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration("/static/call-worker/");
    const notices = (await registration?.getNotifications()) ?? [];
    return notices.map((n) => ({ title: n.title, body: n.body }));
  });

Deno.test("a call rings on any section and survives moving between sections", async () => {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    const bob = await openPhone(browser, server.url, "Bob Nurse", async (context) => {
      await context.grantPermissions(["notifications"], { origin: server.url });
    });
    const errors = watchErrors(bob.page);

    // Bob is on History when Ann calls: it rings there, with the caller's name.
    await bob.page.getByRole("link", { name: "History" }).click();
    await bob.page.waitForURL(`${server.url}/dashboard/history`);
    await bob.page.getByRole("heading", { name: "History" }).waitFor();
    // Bob's tab is in the background: the call comes with a desktop notice.
    await bob.page.evaluate(() =>
      Object.defineProperty(document, "visibilityState", {
        get: () => "hidden",
        configurable: true,
      })
    );
    await dial(ann, bob);
    await bob.page.getByTestId("caller-name").filter({ hasText: "Ann Carer" }).waitFor();
    assert.match(await bob.page.title(), /^Ringing: Ann Carer/);
    await eventually("a desktop notice", async () => (await shownNotices(bob.page)).length > 0);
    const notices = await shownNotices(bob.page);
    assert.deepEqual(notices.map((n) => n.title), ["Ann Carer is calling"]);
    assert.match(notices[0].body, new RegExp(ann.care4wId));
    // The ringing card has Answer focused, and the A key answers.
    assert.equal(
      await bob.page.evaluate(() => document.activeElement?.textContent?.trim()),
      "Answer",
    );
    await bob.page.keyboard.press("a");
    await waitForStatus(bob.page, "Connected");
    await waitForStatus(ann.page, "Connected");

    // Through Settings and Recordings and back: the same call, audio still arriving.
    const loads: string[] = [];
    bob.page.on("load", () => loads.push(bob.page.url()));
    for (const section of ["Settings", "Recordings", "Voicemail"]) {
      await bob.page.getByRole("link", { name: section, exact: true }).click();
      await bob.page.getByRole("heading", { name: section }).first().waitFor();
      await waitForStatus(bob.page, "Connected");
    }
    // A section's own form (the Analytics period) is no page load either.
    await bob.page.getByRole("link", { name: "Analytics", exact: true }).click();
    await bob.page.getByRole("button", { name: "Show" }).click();
    await bob.page.waitForURL(/\/dashboard\/analytics\?from=/);
    await waitForStatus(bob.page, "Connected");
    await bob.page.goBack();
    await bob.page.waitForURL(`${server.url}/dashboard/analytics`);
    await bob.page.goBack();
    await bob.page.waitForURL(`${server.url}/dashboard/voicemail`);
    await waitForStatus(bob.page, "Connected");
    assert.deepEqual(loads, [], "no section change reloaded the page");
    for (const side of [ann, bob]) {
      const before = await inboundAudioBytes(side.page);
      await eventually(
        "audio still flowing",
        async () => (await inboundAudioBytes(side.page)) > before + 1000,
      );
    }

    await bob.page.getByRole("button", { name: "Hang up" }).click();
    await waitForStatus(ann.page, /ended/i);
    for (const side of [ann, bob]) {
      await eventually(
        "one history record",
        async () => (await history(side, server.url)).calls.length === 1,
      );
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

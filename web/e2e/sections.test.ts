/**
 * The phone on every section (issue 14): in two real Chromium contexts, a call reaches a user
 * wherever they are in the dashboard and keeps its audio while they move between sections; the
 * section links stay real links (history entries, back works), and the call ends cleanly with one
 * record on each side.
 */
import assert from "node:assert/strict";
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

/** Keeps every desktop notification the page shows. */
const RECORD_NOTICES = `(() => {
  const Native = window.Notification;
  window.__notices = [];
  class Recording extends Native {
    constructor(title, options) { super(title, options); window.__notices.push({ title, body: options?.body ?? "" }); }
  }
  Object.defineProperty(Recording, "permission", { get: () => Native.permission });
  Recording.requestPermission = (...args) => Native.requestPermission(...args);
  window.Notification = Recording;
})()`;
type Recorded = { __notices: { title: string; body: string }[] };

Deno.test("a call rings on any section and survives moving between sections", async () => {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    const bob = await openPhone(browser, server.url, "Bob Nurse", async (context) => {
      await context.grantPermissions(["notifications"], { origin: server.url });
      await context.addInitScript(RECORD_NOTICES);
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
    const notices = await bob.page.evaluate(() => (globalThis as unknown as Recorded).__notices);
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
    await bob.page.goBack();
    await bob.page.waitForURL(`${server.url}/dashboard/recordings`);
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

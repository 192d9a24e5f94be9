/**
 * Presence and People in real Chromium: Bob sees Ann available, on a call while she is in one,
 * away when her tab is hidden; her do-not-disturb answers his call "busy"; a favourite he stars
 * is still there after a reload.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium } from "../testing/browser.ts";
import { dial, openPhone, waitForStatus } from "../testing/phone-kit.ts";
import { startServer } from "../testing/server.ts";

/** Sets what the page's visibility is, and tells it, as the browser does for a background tab. */
const setVisibility = (page: Page, state: "hidden" | "visible") =>
  page.evaluate((state) => {
    Object.defineProperty(document, "visibilityState", { get: () => state, configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  }, state);

/** The People row of `name` on `page`. */
const row = (page: Page, name: string) =>
  page.getByRole("list", { name: "Colleagues" }).getByTestId("person").filter({ hasText: name });

/** Refreshes People until `name`'s row shows `presence` (the panel also polls, more slowly). */
async function waitForPresence(page: Page, name: string, presence: string) {
  for (let i = 0; i < 40; i++) {
    await page.getByRole("button", { name: "Refresh" }).click();
    const shown = await row(page, name).getByTestId("person-presence").textContent({
      timeout: 2000,
    }).catch(() => null);
    if (shown === presence) return;
    await page.waitForTimeout(250);
  }
  throw new Error(`${name} never showed ${presence} on People`);
}

Deno.test("Bob sees Ann's presence change; her do-not-disturb is busy; favourites stay", async () => {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    const bob = await openPhone(browser, server.url, "Bob Nurse");
    const cat = await openPhone(browser, server.url, "Cat Doctor");

    await waitForPresence(bob.page, "Ann Carer", "Available");
    // The dot is never the only sign: the row says it in words, and the lookup too.
    await bob.page.getByLabel("Number or CareFlow ID").fill(ann.care4wId);
    await bob.page.getByTestId("presence-word").filter({ hasText: "Available" }).waitFor();
    await bob.page.getByLabel("Number or CareFlow ID").fill("");

    // Ann calls Cat: on a call.
    await dial(ann, cat);
    await cat.page.getByRole("button", { name: "Answer" }).click();
    await waitForStatus(ann.page, "Connected");
    await waitForPresence(bob.page, "Ann Carer", "On a call");
    await cat.page.getByRole("button", { name: "Hang up" }).click();
    await waitForStatus(ann.page, /ended/i);
    await waitForPresence(bob.page, "Ann Carer", "Available");

    // Her tab in the background: away; back in front and used: available again.
    await setVisibility(ann.page, "hidden");
    await waitForPresence(bob.page, "Ann Carer", "Away");
    await setVisibility(ann.page, "visible");
    await waitForPresence(bob.page, "Ann Carer", "Available");

    // Do not disturb: Bob's call, placed by clicking her name, is answered busy.
    await ann.page.getByTestId("dnd").check();
    await waitForPresence(bob.page, "Ann Carer", "Do not disturb");
    await row(bob.page, "Ann Carer").getByRole("button", { name: "Dial Ann Carer" }).click();
    await waitForStatus(bob.page, /busy/i);
    assert.equal(await ann.page.getByRole("button", { name: "Answer" }).count(), 0);

    // A favourite persists: starred, the page reloaded, still there.
    await row(bob.page, "Ann Carer").getByTestId("star").click();
    const favourites = bob.page.getByRole("list", { name: "Favourites" });
    await favourites.getByTestId("person").filter({ hasText: "Ann Carer" }).waitFor();
    await bob.page.reload();
    await favourites.getByTestId("person").filter({ hasText: "Ann Carer" }).waitFor();
    assert.equal(
      await favourites.getByTestId("star").first().getAttribute("aria-pressed"),
      "true",
    );
    for (const user of [ann, bob, cat]) await user.context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

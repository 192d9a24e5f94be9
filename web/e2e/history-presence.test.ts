/**
 * Presence in the call history, in real Chromium against the real app: after Ann and Bob had a
 * call, Ann's History row for Bob shows "Available" while his tab is open, "Do not disturb" once
 * he turns it on (after the page's refresh on becoming visible), and nothing once he hides his
 * presence (after the periodic refresh); a colleague with no tab open is "Offline"; an outside
 * number's row shows none. The whole page's presence comes in one request, never one per row.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { openStore } from "../store/mod.ts";
import { launchChromium } from "../testing/browser.ts";
import { dial, history, openPhone, waitForStatus } from "../testing/phone-kit.ts";
import { startServer } from "../testing/server.ts";

const OUTSIDE = "+447700900123";

/** Signs a colleague up through the API only: they have an account but no tab (offline). */
async function signUpOnly(browser: Browser, base: string, name: string): Promise<string> {
  const context = await browser.newContext();
  const response = await context.request.post(`${base}/api/auth/signup`, {
    data: {
      email: `cat-${crypto.randomUUID()}@example.org`,
      password: "a long enough password",
      displayName: name,
    },
  });
  assert.equal(response.status(), 201, await response.text());
  const { user } = await response.json();
  await context.close();
  return user.care4wId;
}

/**
 * Calls the SQLite file holds beside the real one (as the admin tool opens it): one from an
 * outside number, one to a colleague with no tab. No browser path makes either here.
 */
async function seedCalls(dataDir: string, ann: string, cat: string) {
  const store = await openStore({ dataDir });
  try {
    const annUser = (await store.findDirectoryEntry(ann))!;
    const catUser = (await store.findDirectoryEntry(cat))!;
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
    const base = {
      status: "completed" as const,
      recordedBy: null,
      hangupCause: null,
      quality: null,
      transferredBy: null,
      transferredTo: null,
      durationSeconds: 60,
    };
    await store.insertCall({
      ...base,
      id: crypto.randomUUID(),
      mode: "twilio",
      callerUserId: null,
      callerCare4wId: null,
      callerPhone: OUTSIDE,
      callerName: "Outside caller",
      calleeUserId: annUser.id,
      calleeCare4wId: ann,
      calleePhone: null,
      calleeName: "Ann Carer",
      startedAt: at(30),
      answeredAt: at(30),
      endedAt: at(29),
    });
    await store.insertCall({
      ...base,
      id: crypto.randomUUID(),
      mode: "webrtc",
      callerUserId: annUser.id,
      callerCare4wId: ann,
      callerPhone: null,
      callerName: "Ann Carer",
      calleeUserId: catUser.id,
      calleeCare4wId: cat,
      calleePhone: null,
      calleeName: "Cat Doctor",
      startedAt: at(20),
      answeredAt: at(20),
      endedAt: at(19),
    });
  } finally {
    await store.close();
  }
}

/** Ann's History row that names `text`. */
const row = (page: Page, text: string) =>
  page.getByTestId("history-table").locator("tbody tr").filter({ hasText: text });

/** What the row's presence says, or null when it shows none. */
const shown = async (page: Page, text: string) => {
  const badge = row(page, text).getByTestId("history-presence");
  return await badge.count() === 0 ? null : await badge.textContent();
};

/** Tells the page it became visible again (as coming back to the tab does): it asks at once. */
const becomeVisible = (page: Page) =>
  page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));

Deno.test("History rows show colleagues' presence, one batch per page, none for numbers", async () => {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    const bob = await openPhone(browser, server.url, "Bob Nurse");
    const cat = await signUpOnly(browser, server.url, "Cat Doctor");

    await dial(ann, bob);
    await bob.page.getByRole("button", { name: "Answer" }).click();
    await waitForStatus(ann.page, "Connected");
    await ann.page.getByRole("button", { name: "Hang up" }).click();
    await waitForStatus(bob.page, /ended/i);
    for (let i = 0; (await history(ann, server.url)).calls.length < 1; i++) {
      assert.ok(i < 40, "the call reached Ann's history");
      await ann.page.waitForTimeout(250);
    }
    await seedCalls(server.dataDir, ann.care4wId, cat);

    // Ann's History at phone width; every presence request she makes is kept.
    const asked: URL[] = [];
    ann.page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname === "/api/users/presence") asked.push(url);
    });
    await ann.page.setViewportSize({ width: 390, height: 844 });
    await ann.page.goto(`${server.url}/dashboard/history`);
    await row(ann.page, "Bob Nurse").getByTestId("history-presence")
      .filter({ hasText: "Available" }).waitFor();
    assert.equal(await shown(ann.page, "Cat Doctor"), "Offline");
    assert.equal(await shown(ann.page, OUTSIDE), null, "an outside number has no presence");
    assert.equal(asked.length, 1, "one request for the page");
    assert.deepEqual(
      asked[0].searchParams.get("ids")!.split(",").sort(),
      [bob.care4wId, cat].sort(),
      "the page's distinct CareFlow IDs, no outside number",
    );
    // Readable at 390 px: nothing wider than the screen.
    assert.ok(
      await ann.page.evaluate(() => document.documentElement.scrollWidth <= innerWidth),
      "the history fits 390 px",
    );

    // Bob turns on do not disturb: Ann's page shows it once it asks again.
    await bob.page.getByTestId("dnd").check();
    for (let i = 0; (await shown(ann.page, "Bob Nurse")) !== "Do not disturb"; i++) {
      assert.ok(i < 40, `Bob never showed do not disturb (${await shown(ann.page, "Bob Nurse")})`);
      await becomeVisible(ann.page);
      await ann.page.waitForTimeout(250);
    }

    // Bob hides his presence: the periodic refresh (every 30 s) takes his word away.
    const before = asked.length;
    const hidden = await bob.context.request.patch(`${server.url}/api/users/settings`, {
      headers: { origin: server.url },
      data: { privacy: { showOnlineStatus: false } },
    });
    assert.equal(hidden.status(), 200, await hidden.text());
    await row(ann.page, "Bob Nurse").getByTestId("history-presence")
      .waitFor({ state: "detached", timeout: 40_000 });
    assert.ok(asked.length > before, "asked again on its own");
    assert.equal(await shown(ann.page, "Cat Doctor"), "Offline");

    await ann.context.close();
    await bob.context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

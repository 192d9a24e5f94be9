/**
 * The phone's own UI (issue 14), in real Chromium: a ringing call badges the favicon, says when
 * the browser keeps the ringtone silent, and comes as a desktop notification with Answer and
 * Decline when the tab is in the background (shown by the call worker; its Answer answers); a
 * missed call stays on screen and is counted on the phone and on History until History is
 * opened; the layout works on a phone-sized screen (also without JavaScript for History's
 * filters); Settings checks microphone and speaker, and a blocked microphone is said up front.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium, watchErrors } from "../testing/browser.ts";
import { dial, openPhone, waitForStatus } from "../testing/phone-kit.ts";
import { startServer } from "../testing/server.ts";
import { eventually } from "../../testing/eventually.ts";

/** The favicon's address as the page has it now. */
const favicon = (page: Page) =>
  page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="icon"]')!.href);

/** The page says it is in the background, as a tab behind another is. */
const hide = (page: Page) =>
  page.evaluate(() =>
    Object.defineProperty(document, "visibilityState", { get: () => "hidden", configurable: true })
  );

/** The notifications the call worker shows now. */
const shownNotices = (page: Page) =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration("/static/call-worker/");
    const notices = (await registration?.getNotifications()) ?? [];
    return notices.map((n) => ({
      title: n.title,
      body: n.body,
      // `actions` is not in TypeScript's DOM types yet.
      actions: (n as unknown as { actions: { action: string }[] }).actions.map((a) => a.action),
    }));
  });

/**
 * Headless Chromium lets every page play sound; this makes it hold audio back until a user
 * gesture, as a desktop browser does for a tab nobody clicked (the autoplay policy).
 */
const AUTOPLAY_POLICY = `(() => {
  let clicked = false;
  for (const type of ["pointerdown", "keydown"]) {
    addEventListener(type, (event) => { if (event.isTrusted) clicked = true; }, true);
  }
  const Native = window.AudioContext;
  window.AudioContext = class extends Native {
    constructor(...args) { super(...args); if (!clicked) void this.suspend(); }
    resume() { return clicked ? super.resume() : Promise.resolve(); }
  };
})()`;

Deno.test("ringing: favicon badge, a blocked-sound notice, and Answer on the notification", async () => {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    const bob = await openPhone(browser, server.url, "Bob Nurse", async (context) => {
      await context.grantPermissions(["notifications"], { origin: server.url });
      await context.addInitScript(AUTOPLAY_POLICY);
    });
    const errors = watchErrors(bob.page);
    const plainIcon = await favicon(bob.page);
    assert.match(plainIcon, /\/static\/favicon\.svg$/);
    // The worker is readied once the call card's chunk is in (notifications being allowed).
    const worker = bob.context.serviceWorkers()[0] ??
      await bob.context.waitForEvent("serviceworker", { timeout: 10_000 });
    await hide(bob.page);

    await dial(ann, bob);
    await bob.page.getByTestId("caller-name").filter({ hasText: "Ann Carer" }).waitFor();
    assert.match(await favicon(bob.page), /^data:image\/svg\+xml,/);
    // Nobody has clicked in Bob's tab: the browser holds the ringtone back, and the card says so.
    await bob.page.getByTestId("sound-blocked").filter({
      hasText: "Sound is blocked by the browser: click anywhere to allow the ringtone",
    }).waitFor();
    await eventually(
      "the notification is shown",
      async () => (await shownNotices(bob.page)).length === 1,
    );
    const [notice] = await shownNotices(bob.page);
    assert.equal(notice.title, "Ann Carer is calling");
    assert.match(notice.body, new RegExp(ann.care4wId));
    assert.deepEqual(notice.actions, ["answer", "decline"]);

    // A click anywhere lets the ringtone play.
    await bob.page.mouse.click(5, 5);
    await bob.page.getByTestId("sound-blocked").waitFor({ state: "detached" });

    // Answer pressed on the notification (the worker's handler, as a real press calls it).
    await worker.evaluate(async () => {
      // deno-lint-ignore no-explicit-any
      const scope = self as any;
      const [shown] = await scope.registration.getNotifications();
      await scope.careflowPressed(shown.data, "answer");
    });
    await waitForStatus(bob.page, "Connected");
    await waitForStatus(ann.page, "Connected");
    assert.equal(await favicon(bob.page), plainIcon, "the badge goes when the ringing stops");
    assert.doesNotMatch(await bob.page.title(), /^Ringing/);

    // The states look different: an icon per state beside the words.
    const look = () =>
      bob.page.locator('[data-testid="call-status"] svg').getAttribute("data-look");
    assert.equal(await look(), "connected");
    const mute = bob.page.getByRole("button", { name: "Mute", exact: true });
    await mute.click();
    const unmute = bob.page.getByRole("button", { name: "Unmute" });
    assert.equal(await unmute.getAttribute("aria-pressed"), "true");
    assert.equal(await look(), "muted");
    await unmute.click();
    await bob.page.getByRole("button", { name: "Hang up" }).click();
    await bob.page.getByTestId("end-reason").filter({ hasText: "Call ended" }).waitFor();
    assert.equal(
      await bob.page.getByTestId("end-reason").locator("svg").getAttribute("data-look"),
      "ended",
      "an ordinary ending is not a failure",
    );
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

Deno.test("a missed call stays on screen and is counted on the phone and History until seen", async () => {
  const server = await startServer({ RING_TIMEOUT_SECONDS: "2" });
  const browser = await launchChromium({ media: true });
  try {
    const ada = await openPhone(browser, server.url, "Ada Lovelace");
    const bob = await openPhone(browser, server.url, "Bob Nurse");
    await bob.page.getByRole("link", { name: "Settings" }).click();
    await bob.page.getByRole("heading", { name: "Settings" }).waitFor();

    await dial(ada, bob);
    await bob.page.getByTestId("caller-name").waitFor();
    const card = bob.page.getByTestId("end-reason").filter({
      hasText: "Missed call from Ada Lovelace",
    });
    await card.waitFor({ timeout: 15_000 });
    // Well past the engine's return to idle, the ending is still there.
    await bob.page.waitForTimeout(4_000);
    assert.ok(await card.isVisible(), "the end card stays until dismissed");
    const phoneCount = bob.page.getByTestId("phone-missed");
    assert.equal((await phoneCount.textContent())?.trim(), "1 missed call");
    const historyBadge = bob.page.getByRole("link", { name: /History/ }).getByTestId("nav-badge");
    assert.match((await historyBadge.textContent()) ?? "", /^1/);

    // To another section: the server's count, the same.
    const nav = bob.page.getByRole("navigation", { name: "Sections" });
    await nav.getByRole("link", { name: "Voicemail", exact: true }).click();
    await bob.page.getByRole("heading", { name: "Voicemail" }).first().waitFor();
    assert.equal((await phoneCount.textContent())?.trim(), "1 missed call");
    assert.ok(await card.isVisible());

    await bob.page.getByRole("button", { name: "Dismiss" }).click();
    await card.waitFor({ state: "detached" });
    // Opening History clears both counts.
    await nav.getByRole("link", { name: /History/ }).click();
    await bob.page.getByRole("heading", { name: "History" }).waitFor();
    await phoneCount.waitFor({ state: "detached" });
    assert.equal(await historyBadge.count(), 0);
  } finally {
    await browser.close();
    await server.close();
  }
});

Deno.test("a phone-sized screen: sections reachable, IDs whole, filters fold, ringing fills it", async () => {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    const bob = await openPhone(browser, server.url, "Bob Nurse");
    await bob.page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["", "/history", "/recordings", "/voicemail", "/settings"]) {
      await bob.page.goto(`${server.url}/dashboard${path}`);
      const layout = await bob.page.evaluate(() => ({
        wide: document.documentElement.scrollWidth,
        links: [...document.querySelectorAll("nav.tabs a")].map((a) => a.getBoundingClientRect()),
        ids: [...document.querySelectorAll("code")].map((c) => c.getClientRects().length),
      }));
      assert.ok(layout.wide <= 390, `${path}: no sideways scrolling (${layout.wide} px)`);
      for (const link of layout.links) assert.ok(link.left >= 0 && link.right <= 390, path);
      assert.ok(layout.ids.every((lines) => lines <= 1), `${path}: an ID broke over lines`);
    }
    // History's filters fold into "Filters", and open on a tap.
    await bob.page.goto(`${server.url}/dashboard/history`);
    const search = bob.page.getByRole("searchbox");
    assert.equal(await search.isVisible(), false);
    await bob.page.getByText("Filters", { exact: true }).click();
    await search.waitFor();

    // The ringing card covers the screen.
    await bob.page.goto(`${server.url}/dashboard`);
    await waitForStatus(bob.page, "Ready");
    await dial(ann, bob);
    await bob.page.getByTestId("caller-name").waitFor();
    const box = (await bob.page.getByTestId("phone").boundingBox())!;
    assert.ok(
      box.x <= 1 && box.y <= 1 && box.width >= 389 && box.height >= 843,
      JSON.stringify(box),
    );
    await bob.page.getByRole("button", { name: "Decline" }).click();

    // Without JavaScript the filters still fold and open.
    const plain = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
    });
    await plain.addCookies(await bob.context.cookies());
    const page = await plain.newPage();
    await page.goto(`${server.url}/dashboard/history`);
    assert.equal(await page.getByRole("searchbox").isVisible(), false);
    await page.getByText("Filters", { exact: true }).click();
    await page.getByRole("searchbox").waitFor();
    await plain.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

Deno.test("Settings checks microphone and speaker; a blocked microphone is said up front", async () => {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    assert.equal(await ann.page.getByTestId("mic-blocked").count(), 0);
    await ann.page.getByRole("link", { name: "Settings" }).click();
    await ann.page.getByRole("button", { name: "Test microphone" }).click();
    // The fake microphone beeps: the meter moves and the page says it hears it.
    await ann.page.getByTestId("mic-status").filter({ hasText: "CareFlow hears your microphone" })
      .waitFor();
    await ann.page.getByRole("button", { name: "Stop test" }).click();
    await ann.page.getByRole("button", { name: "Test speaker" }).click();
    await ann.page.getByTestId("speaker-status").filter({ hasText: "Did you hear a chime?" })
      .waitFor();

    // The microphone blocked for the site: the Dialer says so before any call.
    const page = await ann.context.newCDPSession(ann.page);
    const { targetInfo } = await page.send("Target.getTargetInfo");
    const cdp = await browser.newBrowserCDPSession();
    await cdp.send("Browser.setPermission", {
      permission: { name: "microphone" },
      setting: "denied",
      origin: server.url,
      browserContextId: targetInfo.browserContextId,
    });
    await ann.page.goto(`${server.url}/dashboard`);
    await ann.page.getByTestId("mic-blocked").filter({
      hasText: "Your microphone is blocked for CareFlow: calls cannot connect.",
    }).waitFor();
  } finally {
    await browser.close();
    await server.close();
  }
});

Deno.test("focus follows the call: the state after Answer, Call back after the hang-up", async () => {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    const bob = await openPhone(browser, server.url, "Bob Nurse");
    const focused = (page: Page) =>
      page.evaluate(() => {
        const active = document.activeElement as HTMLElement | null;
        return active?.dataset.testid ?? active?.textContent?.trim() ?? "";
      });
    await dial(ann, bob);
    await waitForStatus(bob.page, "Incoming call");
    await bob.page.keyboard.press("a");
    await waitForStatus(bob.page, "Connected");
    await eventually(
      "focus on the call's state",
      async () => (await focused(bob.page)) === "call-status",
    );
    await bob.page.keyboard.press("e");
    await bob.page.getByTestId("end-card").waitFor();
    await eventually("focus on Call back", async () => (await focused(bob.page)) === "Call back");
  } finally {
    await browser.close();
    await server.close();
  }
});

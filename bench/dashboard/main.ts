/**
 * The dashboard as a care worker meets it (`deno task bench:dashboard`), in real Chromium against
 * the real app and its real build, side by side in one run:
 * - JavaScript per page, gzipped as sent (landing, sign-in, dashboard);
 * - time until the dashboard is usable (every island hydrated) on a throttled link of 400 kbit/s
 *   and 300 ms RTT, cold cache, against the same page on loopback;
 * - click Call to both sides connected, p50 and p95 over 20 calls on loopback.
 * Targets (issue 14): dashboard JS ≤ 17.0 KB gzipped, usable ≤ 1.5 s throttled.
 */
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../../web/testing/browser.ts";
import { openPhone, waitForStatus } from "../../web/testing/phone-kit.ts";
import { startServer } from "../../web/testing/server.ts";

const CALLS = Number(Deno.args[0] ?? "20");

/**
 * Records when each island hydrated (ms since navigation start, by island name) and when the
 * last one did (`__usableAt`).
 */
const WATCH_HYDRATION = `(() => {
  window.__hydratedAt = {};
  const check = () => {
    const blob = document.getElementById("cf-islands");
    if (!blob) return;
    const names = Object.fromEntries(JSON.parse(blob.textContent).islands.map((i) => [i.id, i.name]));
    for (const island of document.querySelectorAll("cf-island[data-hydrated]")) {
      window.__hydratedAt[names[island.dataset.id]] ??= performance.now();
    }
    if (document.querySelectorAll("cf-island:not([data-hydrated])").length === 0) {
      window.__usableAt ??= performance.now();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
})()`;

/**
 * Script bytes as they came over the wire (gzipped bodies), cold: those fetched before the page
 * was usable (every island hydrated: what the person waits for), and all of them once the network
 * is idle (the phone's engine and call card come after, while the person reads the page).
 */
async function scriptBytes(browser: Browser, url: string, cookie?: string) {
  const context = await browser.newContext();
  if (cookie) await context.addCookies([{ name: "cf_session", value: cookie, url }]);
  await context.addInitScript(WATCH_HYDRATION);
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "networkidle" });
  const bytes = await page.evaluate(() => {
    const usableAt = (globalThis as { __usableAt?: number }).__usableAt ?? Infinity;
    const scripts = (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
      .filter((entry) => new URL(entry.name).pathname.endsWith(".js"));
    const sum = (list: PerformanceResourceTiming[]) =>
      list.reduce((total, entry) => total + entry.encodedBodySize, 0);
    return {
      upFront: sum(scripts.filter((entry) => entry.startTime <= usableAt)),
      total: sum(scripts),
    };
  });
  await context.close();
  return bytes;
}

/**
 * When the dashboard's dial pad was usable (its island hydrated) and when every island was,
 * cold, optionally on a throttled link.
 */
async function usableMs(browser: Browser, url: string, cookie: string, throttled: boolean) {
  const context = await browser.newContext();
  await context.addCookies([{ name: "cf_session", value: cookie, url }]);
  await context.addInitScript(WATCH_HYDRATION);
  const page = await context.newPage();
  if (throttled) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 300,
      downloadThroughput: 400_000 / 8,
      uploadThroughput: 400_000 / 8,
    });
  }
  await page.goto(`${url}/dashboard`);
  await page.waitForFunction(() => "__usableAt" in globalThis, undefined, { timeout: 30_000 });
  const at = await page.evaluate(() => {
    const seen = globalThis as unknown as {
      __usableAt: number;
      __hydratedAt: Record<string, number>;
    };
    return { dialPad: seen.__hydratedAt.Dialer, all: seen.__usableAt };
  });
  await context.close();
  return at;
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

async function clickToConnected(browser: Browser, url: string): Promise<number[]> {
  const ann = await openPhone(browser, url, "Ann Carer");
  const bob = await openPhone(browser, url, "Bob Nurse");
  const times: number[] = [];
  const answerWhenRinging = (page: Page) =>
    page.getByRole("button", { name: "Answer" }).click({ timeout: 20_000 });
  for (let n = 0; n < CALLS; n++) {
    const [caller, callee] = n % 2 === 0 ? [ann, bob] : [bob, ann];
    await caller.page.getByLabel("Number or CareFlow ID").fill(callee.care4wId);
    await caller.page.getByTestId("callee-name").filter({ hasText: callee.name }).waitFor();
    const started = performance.now();
    await caller.page.getByRole("button", { name: "Call", exact: true }).click();
    await answerWhenRinging(callee.page);
    await Promise.all([
      waitForStatus(caller.page, "Connected"),
      waitForStatus(callee.page, "Connected"),
    ]);
    times.push(performance.now() - started);
    await caller.page.getByRole("button", { name: "Hang up" }).click();
    await waitForStatus(callee.page, /ended/i);
    // The end card stays until the next action; dialing again is that action.
    await caller.page.waitForTimeout(200);
  }
  return times;
}

const server = await startServer();
const browser = await launchChromium({ media: true });
try {
  const signup = await fetch(`${server.url}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: "bench@example.org",
      password: "bench password 123",
      displayName: "Bench",
    }),
  });
  const cookie = signup.headers.get("set-cookie")?.match(/cf_session=([^;]+)/)?.[1];
  if (!cookie) throw new Error(`sign-up failed: ${await signup.text()}`);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log("JavaScript per page, gzipped as sent (cold cache): before usable / in all");
  const row = async (name: string, path: string, withCookie?: string) => {
    const { upFront, total } = await scriptBytes(browser, `${server.url}${path}`, withCookie);
    return `  ${name.padEnd(11)} ${kb(upFront).padStart(8)} / ${kb(total).padStart(8)}`;
  };
  console.log(await row("landing", "/"));
  console.log(await row("sign-in", "/login"));
  console.log(`${await row("dashboard", "/dashboard", cookie)}   target ≤ 17.0 KB before usable`);
  // The median of three cold loads: one load on a throttled link varies by a tenth of a second.
  const median = async (url: string, throttled: boolean) => {
    const runs: { dialPad: number; all: number }[] = [];
    for (let n = 0; n < 3; n++) runs.push(await usableMs(browser, url, cookie, throttled));
    const middle = (key: "dialPad" | "all") => percentile(runs.map((run) => run[key]), 0.5);
    return { dialPad: middle("dialPad"), all: middle("all") };
  };
  const ms = (at: { dialPad: number; all: number }) =>
    `dial pad ${Math.round(at.dialPad)} ms, every island ${Math.round(at.all)} ms`;
  console.log("Dashboard usable (islands hydrated), cold cache, median of 3");
  console.log(`  loopback                        ${ms(await median(server.url, false))}`);
  const http1 = await median(server.url, true);
  console.log(`  400 kbit/s, 300 ms RTT, HTTP/1.1 ${ms(http1)}   target: dial pad ≤ 1500 ms`);

  const times = await clickToConnected(browser, server.url);
  console.log(`Click Call to both sides connected, ${times.length} calls on loopback`);
  console.log(
    `  p50 ${Math.round(percentile(times, 0.5))} ms   p95 ${
      Math.round(percentile(times, 0.95))
    } ms   ` +
      `max ${Math.round(Math.max(...times))} ms`,
  );
} finally {
  await browser.close();
  await server.close();
}

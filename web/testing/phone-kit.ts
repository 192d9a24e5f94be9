import { HistoryPage } from "../../shared/api.ts";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { eventually } from "../../testing/eventually.ts";
import { launchChromium, watchErrors } from "./browser.ts";
import { type RunningServer, startServer } from "./server.ts";

/** A signed-in user with the dashboard open in their own browser context. */
export interface PhoneUser {
  context: BrowserContext;
  page: Page;
  care4wId: string;
  name: string;
}

/**
 * Test instrumentation injected before page scripts: keeps every RTCPeerConnection the page
 * makes, so a test can read getStats() and prove that audio bytes really arrive.
 */
const TRACK_PEERS = `(() => {
  const Native = window.RTCPeerConnection;
  window.__peers = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__peers.push(this); }
  };
})()`;

/**
 * Signs up through the API in a fresh context and opens the phone (the dialer page); `prepare`
 * runs on the context before any page opens (routing Twilio's signaling to a stand-in).
 */
export async function openPhone(
  browser: Browser,
  base: string,
  name: string,
  prepare?: (context: BrowserContext) => Promise<void>,
): Promise<PhoneUser> {
  const context = await browser.newContext();
  await context.addInitScript(TRACK_PEERS);
  await prepare?.(context);
  const email = `${name.toLowerCase().replace(/\W/g, "")}-${crypto.randomUUID()}@example.org`;
  const response = await context.request.post(`${base}/api/auth/signup`, {
    data: { email, password: "a long enough password", displayName: name },
  });
  if (response.status() !== 201) throw new Error(`signup: ${await response.text()}`);
  const { user } = await response.json();
  const page = await context.newPage();
  await page.goto(`${base}/dashboard`);
  await waitForStatus(page, "Ready");
  return { context, page, care4wId: user.care4wId, name };
}

/** Waits until the call status line reads `text` (a substring, or matching a RegExp). */
export async function waitForStatus(page: Page, text: string | RegExp, timeout = 20_000) {
  const status = page.getByTestId("call-status");
  await status.filter({ hasText: text }).first().waitFor({ timeout }).catch(async (error) => {
    const shown = await status.allTextContents().catch(() => []);
    throw new Error(`the phone never showed ${text}; it shows ${JSON.stringify(shown)}`, {
      cause: error,
    });
  });
}

/** Types a CareFlow ID, waits for the callee's name, and presses Call. */
export async function dial(caller: PhoneUser, callee: PhoneUser): Promise<void> {
  await caller.page.getByLabel("Number or CareFlow ID").fill(callee.care4wId);
  await caller.page.getByTestId("callee-name").filter({ hasText: callee.name }).waitFor();
  await caller.page.getByRole("button", { name: "Call", exact: true }).click();
}

/** Audio bytes received so far by the page's newest peer connection. */
export async function inboundAudioBytes(page: Page): Promise<number> {
  return await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const peers = (globalThis as any).__peers as RTCPeerConnection[];
    const peer = peers.at(-1);
    if (!peer) return 0;
    let bytes = 0;
    (await peer.getStats()).forEach((stat) => {
      if (stat.type === "inbound-rtp" && stat.kind === "audio") bytes += stat.bytesReceived ?? 0;
    });
    return bytes;
  });
}

/** The user's call history through the API, as their browser would fetch it. */
export async function history(user: PhoneUser, base: string) {
  const response = await user.context.request.get(`${base}/api/calls/history`);
  return HistoryPage.parse(await response.json());
}

/** Fills the transfer form of the user's connected call and presses Transfer now (blind). */
export async function transferTo(user: PhoneUser, target: string): Promise<void> {
  const field = user.page.getByLabel("Transfer to (CareFlow ID)");
  if (!(await field.isVisible())) await user.page.getByRole("button", { name: "Transfer" }).click();
  await field.fill(target);
  await user.page.getByRole("button", { name: "Transfer now" }).click();
}

/**
 * A user's history as rows of [other party, direction, status, transferred by, transferred to]
 * (CareFlow IDs), newest first: what a transfer test compares.
 */
export async function transfersIn(user: PhoneUser, base: string) {
  return (await history(user, base)).calls.map((call) => [
    call.otherParty.care4wId,
    call.direction,
    call.status,
    call.transferredBy?.care4wId ?? null,
    call.transferredTo?.care4wId ?? null,
  ]);
}

/** Creates (or rotates) the user's SIP phone password through the API, as the settings page does. */
export async function createSipPassword(
  user: Pick<PhoneUser, "context">,
  base: string,
): Promise<string> {
  const response = await user.context.request.post(`${base}/api/sip/credentials`, {
    headers: { origin: base },
  });
  if (response.status() !== 200) {
    throw new Error(`SIP credentials: ${response.status()} ${await response.text()}`);
  }
  return ((await response.json()) as { password: string }).password;
}

/** Changes the user's settings through the API, as Settings does (the page is not reloaded). */
export async function patchOwnSettings(
  user: Pick<PhoneUser, "context">,
  base: string,
  body: unknown,
) {
  const response = await user.context.request.patch(`${base}/api/users/settings`, {
    headers: { origin: base },
    data: body,
  });
  if (response.status() !== 200) {
    throw new Error(`settings: ${response.status()} ${await response.text()}`);
  }
}

/** `caller` calls `callee`, who answers: both see the call connected. */
export async function connectCall(caller: PhoneUser, callee: PhoneUser): Promise<void> {
  await dial(caller, callee);
  await callee.page.getByRole("button", { name: "Answer" }).click();
  await Promise.all([
    waitForStatus(caller.page, "Connected"),
    waitForStatus(callee.page, "Connected"),
  ]);
}

/** Audio keeps arriving at each side's newest peer connection (its inbound bytes grow). */
export async function audioKeepsFlowing(...sides: PhoneUser[]): Promise<void> {
  for (const side of sides) {
    const before = await inboundAudioBytes(side.page);
    await eventually(
      `audio flowing to ${side.name}`,
      async () => (await inboundAudioBytes(side.page)) > before + 1_000,
      { timeoutMs: 10_000 },
    );
  }
}

/**
 * Runs `run` with the app serving, a Chromium and a signed-in phone for each of `names` (in that
 * order, each with its page errors kept in `errors`); everything is closed after.
 */
export async function withPhones(
  names: string[],
  run: (ctx: { server: RunningServer; phones: PhoneUser[]; errors: string[][] }) => Promise<void>,
): Promise<void> {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const phones: PhoneUser[] = [];
    for (const name of names) phones.push(await openPhone(browser, server.url, name));
    await run({ server, phones, errors: phones.map((phone) => watchErrors(phone.page)) });
  } finally {
    await browser.close();
    await server.close();
  }
}

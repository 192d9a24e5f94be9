/**
 * The call-engine contract (`testing/engine-contract.ts`) against both browser engines, each on
 * the real components it needs: webrtc on the web app's own signaling; sip through Kamailio and
 * RTPEngine (tools/stack), the agent and the web app in sip mode. Two Chromium pages per check.
 */
import type { Browser } from "playwright-core";
import { launchChromium } from "../testing/browser.ts";
import { callEngineContract, type PhonePair } from "../testing/engine-contract.ts";
import { openPhone } from "../testing/phone-kit.ts";
import { startServer } from "../testing/server.ts";
import { startSipWeb } from "../testing/sip-web.ts";

/** Unanswered calls end after this long, so the missed-call check is quick. */
const RING_TIMEOUT_SECONDS = 6;

/** Two fresh users on `base`, their contexts closed after the check. */
async function openPair(
  browser: Browser,
  base: string,
  path: Pick<PhonePair, "recordsHistory" | "namesCaller">,
) {
  const ann = await openPhone(browser, base, "Ann Carer");
  const bob = await openPhone(browser, base, "Bob Nurse").catch(async (error) => {
    await ann.context.close();
    throw error;
  });
  return {
    subject: { base, ann, bob, ...path },
    async close() {
      await ann.context.close();
      await bob.context.close();
    },
  };
}

/** Starts the server side with a browser beside it; nothing is left running if either fails. */
async function withBrowser<S extends { stop(): Promise<void> }>(start: () => Promise<S>) {
  const browser = await launchChromium({ media: true });
  try {
    return { side: await start(), browser };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

callEngineContract({
  name: "webrtc",
  setup: () =>
    withBrowser(async () => {
      const server = await startServer({ RING_TIMEOUT_SECONDS: String(RING_TIMEOUT_SECONDS) });
      return { url: server.url, stop: () => server.close() };
    }),
  async teardown({ side, browser }) {
    await browser.close();
    await side.stop();
  },
  open: ({ side, browser }) =>
    openPair(browser, side.url, { recordsHistory: true, namesCaller: true }),
});

callEngineContract({
  name: "sip",
  // Kamailio, RTPEngine and the agent outlive a check's sockets by design.
  sanitize: false,
  setup: () =>
    withBrowser(async () => {
      const web = await startSipWeb({
        domain: "careflow.engines",
        ringTimeoutSeconds: RING_TIMEOUT_SECONDS,
      });
      return { url: web.server.url, stop: () => web.stop() };
    }),
  async teardown({ side, browser }) {
    await browser.close();
    await side.stop();
  },
  // No call history from SIP calls here (it comes from the media side's CDRs); the caller's name
  // comes from the identity Kamailio asserts (P-Asserted-Identity with the directory name).
  open: ({ side, browser }) =>
    openPair(browser, side.url, { recordsHistory: false, namesCaller: true }),
});

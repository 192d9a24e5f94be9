/**
 * The call-engine contract (`testing/engine-contract.ts`) against both browser engines, each on
 * the real components it needs: webrtc on the web app's own signaling; sip through Kamailio and
 * RTPEngine (tools/stack), the agent and the web app in sip mode. Two Chromium pages per check.
 */
import type { Browser } from "playwright-core";
import { launchChromium } from "../testing/browser.ts";
import { callEngineContract, type PhonePair } from "../testing/engine-contract.ts";
import { openPhone } from "../testing/phone-kit.ts";
import { type RunningServer, startServer } from "../testing/server.ts";
import { type SipWeb, startSipWeb } from "../testing/sip-web.ts";

/** Unanswered calls end after this long, so the missed-call check is quick. */
const RING_TIMEOUT_SECONDS = 6;

/** Two fresh users on `base`, their contexts closed after the check. */
async function openPair(
  browser: Browser,
  base: string,
  path: Pick<PhonePair, "recordsHistory" | "namesCaller">,
) {
  const ann = await openPhone(browser, base, "Ann Carer");
  const bob = await openPhone(browser, base, "Bob Nurse");
  return {
    subject: { base, ann, bob, ...path },
    async close() {
      await ann.context.close();
      await bob.context.close();
    },
  };
}

callEngineContract<{ server: RunningServer; browser: Browser }>({
  name: "webrtc",
  async setup() {
    const server = await startServer({ RING_TIMEOUT_SECONDS: String(RING_TIMEOUT_SECONDS) });
    return { server, browser: await launchChromium({ media: true }) };
  },
  async teardown({ server, browser }) {
    await browser.close();
    await server.close();
  },
  open: ({ server, browser }) =>
    openPair(browser, server.url, { recordsHistory: true, namesCaller: true }),
});

callEngineContract<{ web: SipWeb; browser: Browser }>({
  name: "sip",
  // Kamailio, RTPEngine and the agent outlive a check's sockets by design.
  sanitize: false,
  async setup() {
    const web = await startSipWeb({
      domain: "careflow.engines",
      ringTimeoutSeconds: RING_TIMEOUT_SECONDS,
    });
    return { web, browser: await launchChromium({ media: true }) };
  },
  async teardown({ web, browser }) {
    await browser.close();
    await web.stop();
  },
  // No call history from SIP calls yet (it comes from the media side's CDRs), and only the
  // caller's CareFlow ID travels until the SIP edge asserts their identity with a name.
  open: ({ web, browser }) =>
    openPair(browser, web.server.url, { recordsHistory: false, namesCaller: false }),
});

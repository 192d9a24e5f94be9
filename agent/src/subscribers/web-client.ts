/**
 * Signed cache-miss fetches from web: `GET {WEB_URL}/internal/subscribers/<care4wId>`, answered
 * `200 {care4wId, ha1, active}` or `404`. Anything else is an error, never "unknown user", so a
 * broken web cannot make the agent forget who exists.
 */
import {
  subscriberPath,
  type SubscriberRecord,
  subscriberRecordSchema,
} from "../../../shared/agent-contract.ts";
import { signRequest } from "../../../shared/signing.ts";

/** The answer of web about one subscriber; null means web does not know them. */
export type WebLookup = (care4wId: string) => Promise<SubscriberRecord | null>;

/** Raised when web cannot give a trustworthy answer (down, slow, malformed reply). */
export class WebUnavailableError extends Error {
  override name = "WebUnavailableError";
}

// Kamailio's worker waits on this during a cold lookup; keep it well under its own timeout.
const FETCH_TIMEOUT_MS = 1500;

/** Creates the fetcher for a web base URL (no trailing slash). */
export function createWebLookup(webUrl: string, secret: string): WebLookup {
  return async (care4wId) => {
    const url = new URL(webUrl + subscriberPath(care4wId));
    const headers = signRequest({
      secret,
      method: "GET",
      path: url.pathname + url.search,
      body: "",
    });
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { ...headers, accept: "application/json" },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch (error) {
      throw new WebUnavailableError(`web unreachable: ${(error as Error).name}`);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new WebUnavailableError(`web answered ${response.status}`);
    }
    const parsed = subscriberRecordSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success || parsed.data.care4wId !== care4wId) {
      throw new WebUnavailableError("web answered a malformed subscriber record");
    }
    return parsed.data;
  };
}

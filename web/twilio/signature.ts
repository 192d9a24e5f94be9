/**
 * Twilio's webhook signature (`X-Twilio-Signature`): HMAC-SHA1 of the public URL Twilio called
 * (built from PUBLIC_URL, since behind a proxy the request's own URL is not it) plus the sorted
 * POST parameters, or, for JSON bodies, the URL carrying `bodySHA256`. Checked with the `twilio`
 * library's own (constant-time) validation; anything else gets 403 and changes nothing.
 */
import { createMiddleware } from "hono/factory";
import twilio from "twilio";
import { problem } from "../../shared/http/problem.ts";
import type { Logger } from "../log.ts";

/** What a verified webhook hands its handler. */
export type TwilioWebhookEnv = { Variables: { twilioParams: Record<string, string> } };

/** Twilio's form posts are small; anything bigger is not Twilio. */
const MAX_BODY_BYTES = 64 * 1024;

/** The URL Twilio signed for this request: the public origin, the path and query as received. */
export function publicUrlOf(publicUrl: string, requestUrl: string): string {
  const url = new URL(requestUrl);
  return `${publicUrl.replace(/\/+$/, "")}${url.pathname}${url.search}`;
}

/** Verifies every request; the verified form parameters are `c.get("twilioParams")`. */
export function twilioSignature(o: { authToken: string; publicUrl: string; logger: Logger }) {
  return createMiddleware<TwilioWebhookEnv>(async (c, next) => {
    const refuse = (reason: string) => {
      o.logger.warn("twilio webhook refused", { path: c.req.path, reason });
      return problem(403, "This request is not signed by Twilio.");
    };
    if (Number(c.req.header("content-length") ?? 0) > MAX_BODY_BYTES) throw refuse("too large");
    const signature = c.req.header("x-twilio-signature");
    if (!signature) throw refuse("no signature");
    const body = await c.req.text();
    if (body.length > MAX_BODY_BYTES) throw refuse("too large");
    const url = publicUrlOf(o.publicUrl, c.req.url);
    const type = c.req.header("content-type") ?? "";
    let params: Record<string, string> = {};
    let valid: boolean;
    if (type.startsWith("application/json")) {
      valid = new URL(url).searchParams.has("bodySHA256") &&
        twilio.validateRequestWithBody(o.authToken, signature, url, body);
    } else {
      params = Object.fromEntries(new URLSearchParams(body));
      valid = twilio.validateRequest(o.authToken, signature, url, params);
    }
    if (!valid) throw refuse("bad signature");
    c.set("twilioParams", params);
    await next();
  });
}

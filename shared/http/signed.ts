/**
 * The middleware that admits only requests signed with the shared secret (`../signing.ts`): a
 * fresh timestamp, a valid HMAC over method, path, query and body, and a nonce never seen inside
 * the window. Used by web (the agent's cache-miss and event calls) and by the agent (web's
 * provisioning). The raw body is kept for the handler, because the signature covers those bytes.
 */
import { createMiddleware } from "hono/factory";
import { DEFAULT_MAX_AGE_SECONDS, verifyRequest } from "../signing.ts";
import { problem, PROBLEM_TYPE_BASE } from "./problem.ts";
import type { ReplayGuard } from "./replay-guard.ts";

/** Variables the middleware sets. */
export type SignedEnv = { Variables: { rawBody: string } };

/** Why a request was turned away; `reason` is safe to log (it never holds secret material). */
export type SignatureRefusal = {
  outcome: "unauthorized" | "unavailable";
  reason: string;
  method: string;
  path: string;
};

/** Options of {@link requireSignature}. */
export interface SignedOptions {
  secret: string;
  replays: ReplayGuard;
  /** Clock in unix seconds (tests move it). */
  nowSeconds?: () => number;
  /** Told of every refusal, for metrics and logs. */
  onRefused?: (refusal: SignatureRefusal) => void;
}

/** Creates the signature check. Refusals are 401 problems; a failing replay guard is a 503. */
export function requireSignature(options: SignedOptions) {
  return createMiddleware<SignedEnv>(async (c, next) => {
    const body = await c.req.text();
    const url = new URL(c.req.url);
    const refuse = (outcome: SignatureRefusal["outcome"], reason: string) => {
      options.onRefused?.({ outcome, reason, method: c.req.method, path: url.pathname });
      return outcome === "unauthorized"
        ? problem(401, reason, {
          type: `${PROBLEM_TYPE_BASE}signature`,
          title: "Request signature refused",
        })
        : problem(503, reason);
    };
    const verdict = verifyRequest({
      secret: options.secret,
      method: c.req.method,
      path: url.pathname + url.search,
      body,
      headers: c.req.raw.headers,
      now: options.nowSeconds?.(),
      maxAgeSeconds: DEFAULT_MAX_AGE_SECONDS,
    });
    if (!verdict.ok) throw refuse("unauthorized", verdict.reason);
    let fresh: boolean;
    try {
      // As long as the timestamp could still be accepted, in both directions of clock skew.
      fresh = await options.replays.remember(verdict.nonce, 2 * DEFAULT_MAX_AGE_SECONDS);
    } catch {
      throw refuse("unavailable", "the replay guard is unavailable");
    }
    if (!fresh) throw refuse("unauthorized", "replayed nonce");
    c.set("rawBody", body);
    await next();
  });
}

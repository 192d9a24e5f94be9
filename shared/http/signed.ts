/**
 * The middleware that admits only requests signed with the shared secret (`../signing.ts`): a
 * fresh timestamp, a valid HMAC over method, path, query and body, and a nonce never seen inside
 * the window. Used by web (the agent's cache-miss and event calls) and by the agent (web's
 * provisioning). The raw body is kept for the handler, because the signature covers those bytes.
 */
import { createMiddleware } from "hono/factory";
import { CONTENT_HASH_HEADER, DEFAULT_MAX_AGE_SECONDS, verifyRequest } from "../signing.ts";
import { problem, PROBLEM_TYPE_BASE } from "./problem.ts";
import type { ReplayGuard } from "./replay-guard.ts";

/**
 * Variables the middleware sets: the raw body it verified, or, for a streamed request, the
 * SHA-256 the signature vouches for (the handler must check the stream against it).
 */
export type SignedEnv = { Variables: { rawBody: string; contentSha256: string } };

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
  /**
   * The body is a stream too large to read first: the signature covers its hash, sent in
   * `x-careflow-content-sha256`, and the body is left unread for the handler.
   */
  streamed?: boolean;
}

/** Creates the signature check. Refusals are 401 problems; a failing replay guard is a 503. */
export function requireSignature(options: SignedOptions) {
  return createMiddleware<SignedEnv>(async (c, next) => {
    const hash = c.req.header(CONTENT_HASH_HEADER) ?? "";
    const body = options.streamed ? hash : await c.req.text();
    const url = new URL(c.req.url);
    const refuse = (outcome: SignatureRefusal["outcome"], reason: string) => {
      options.onRefused?.({ outcome, reason, method: c.req.method, path: url.pathname });
      // Which check failed is logged (onRefused), never told: the answer helps no forger.
      return outcome === "unauthorized"
        ? problem(401, "The request signature was refused.", {
          type: `${PROBLEM_TYPE_BASE}signature`,
          title: "Request signature refused",
        })
        : problem(503, reason);
    };
    if (options.streamed && !/^[0-9a-f]{64}$/.test(hash)) {
      throw refuse("unauthorized", `a streamed body needs its SHA-256 in ${CONTENT_HASH_HEADER}`);
    }
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
    c.set("rawBody", options.streamed ? "" : body);
    c.set("contentSha256", options.streamed ? hash : "");
    await next();
  });
}

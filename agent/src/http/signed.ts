/**
 * Middleware that admits only requests signed by web (shared/signing.ts): fresh timestamp, valid
 * HMAC over method, path, query and body, and a nonce never seen in the last five minutes
 * (Redis `SET NX EX`). The raw body is kept for the handler, because the signature covers the
 * exact bytes sent.
 */
import type { Redis } from "ioredis";
import type { MiddlewareHandler } from "hono";
import { DEFAULT_MAX_AGE_SECONDS, verifyRequest } from "../../../shared/signing.ts";
import { problem } from "./problem.ts";

/** Variables the middleware sets on the Hono context. */
export type SignedVariables = { rawBody: string };

/** Options of {@link requireSignature}. */
export interface SignedOptions {
  secret: string;
  redis: Redis;
  nowSeconds: () => number;
  /** Called when a request is refused ("unauthorized", or "error" for Redis), for metrics. */
  onRefused: (result: "unauthorized" | "error", method: string) => void;
  onRedisError: () => void;
}

/** Creates the signature check. */
export function requireSignature(
  options: SignedOptions,
): MiddlewareHandler<{ Variables: SignedVariables }> {
  return async (c, next) => {
    const body = await c.req.text();
    const url = new URL(c.req.url);
    const verdict = verifyRequest({
      secret: options.secret,
      method: c.req.method,
      path: url.pathname + url.search,
      body,
      headers: c.req.raw.headers,
      now: options.nowSeconds(),
      maxAgeSeconds: DEFAULT_MAX_AGE_SECONDS,
    });
    if (!verdict.ok) {
      options.onRefused("unauthorized", c.req.method);
      return problem(c, 401, "unauthorized", verdict.reason);
    }
    let fresh: string | null;
    try {
      // Remember the nonce as long as its timestamp could still be accepted (both directions).
      fresh = await options.redis.set(
        `nonce:${verdict.nonce}`,
        "1",
        "EX",
        2 * DEFAULT_MAX_AGE_SECONDS,
        "NX",
      );
    } catch {
      options.onRedisError();
      options.onRefused("error", c.req.method);
      return problem(c, 503, "unavailable", "redis unavailable");
    }
    if (fresh === null) {
      options.onRefused("unauthorized", c.req.method);
      return problem(c, 401, "unauthorized", "replayed nonce");
    }
    c.set("rawBody", body);
    await next();
  };
}

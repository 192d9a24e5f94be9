import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/deno";
import { createMiddleware } from "hono/factory";
import { problem } from "../../shared/http/problem.ts";
import { createAttemptLimiter } from "../calls/limiter.ts";
import type { AppEnv } from "../http/env.ts";

/**
 * The client's address: the connection's peer, or, when that peer is one of `trustedProxies`
 * (a reverse proxy the operator named), the last address it appended to `X-Forwarded-For`.
 * A forwarded header from anyone else is ignored: it is whatever the client wrote.
 */
export function clientAddress(c: Context, trustedProxies: readonly string[]): string {
  let peer = "unknown";
  try {
    peer = getConnInfo(c).remote.address ?? "unknown";
  } catch { /* in-memory requests (tests) have no connection */ }
  if (!trustedProxies.includes(peer)) return peer;
  const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
  return forwarded || peer;
}

/**
 * At most `limit` requests per `windowSeconds` per key (a user, a client address); the rest get
 * 429 problem+json with `Retry-After` and reach no handler.
 */
export function rateLimit(o: {
  limit: number;
  windowSeconds: number;
  key: (c: Context<AppEnv>) => string;
  message: string;
}): MiddlewareHandler<AppEnv> {
  const limiter = createAttemptLimiter(o.limit, o.windowSeconds * 1000);
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!limiter.admit(o.key(c), Date.now())) {
      throw problem(429, o.message, {}, { "retry-after": String(o.windowSeconds) });
    }
    await next();
  });
}

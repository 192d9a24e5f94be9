import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo as nodeConnInfo } from "@hono/node-server/conninfo";
import { getConnInfo as denoConnInfo } from "hono/deno";
import { createMiddleware } from "hono/factory";
import { problem } from "../../shared/http/problem.ts";
import type { AppEnv } from "../http/env.ts";

/**
 * The client's address: the connection's peer, or, when that peer is one of `trustedProxies`
 * (a reverse proxy the operator named), the last address it appended to `X-Forwarded-For`.
 * A forwarded header from anyone else is ignored: it is whatever the client wrote.
 */
export function clientAddress(c: Context, trustedProxies: readonly string[]): string {
  const peer = peerAddress(c) ?? "unknown";
  if (!trustedProxies.includes(peer)) return peer;
  const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
  return forwarded || peer;
}

/**
 * The connection's peer address: served by `serveWeb` (node:http) or by `Deno.serve` (an edge
 * host, and in-memory requests given a `remoteAddr`); null with no connection.
 */
export function peerAddress(c: Context): string | null {
  if ((c.env as { incoming?: unknown } | undefined)?.incoming) {
    return nodeConnInfo(c).remote.address ?? null;
  }
  try {
    return denoConnInfo(c).remote.address ?? null;
  } catch {
    return null; // in-memory requests (tests) have no connection
  }
}

/**
 * A sliding-window counter per key, in constant time and memory whatever the limit: the count of
 * the current fixed window plus the previous window's, weighted by how much of it still overlaps
 * the sliding window. (A list of timestamps costs as much as the limit per request.)
 */
export function createWindowCounter(limit: number, windowMs: number) {
  const counts = new Map<string, { start: number; current: number; previous: number }>();
  return {
    /** Counts a request by `key` at `nowMs`; false (and not counted) when over the limit. */
    admit(key: string, nowMs: number): boolean {
      const start = nowMs - (nowMs % windowMs);
      let entry = counts.get(key);
      if (!entry || entry.start <= start - 2 * windowMs) {
        entry = { start, current: 0, previous: 0 };
      } else if (entry.start < start) {
        entry = {
          start,
          current: 0,
          previous: entry.start === start - windowMs ? entry.current : 0,
        };
      }
      counts.set(key, entry);
      const overlap = 1 - (nowMs - start) / windowMs;
      if (entry.previous * overlap + entry.current >= limit) return false;
      entry.current++;
      // Now and then forget keys not seen for two windows, so the map holds recent clients.
      if (counts.size > 50_000) {
        for (const [k, e] of counts) if (e.start <= start - 2 * windowMs) counts.delete(k);
      }
      return true;
    },
  };
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
  const limiter = createWindowCounter(o.limit, o.windowSeconds * 1000);
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!limiter.admit(o.key(c), Date.now())) {
      throw problem(429, o.message, {}, { "retry-after": String(o.windowSeconds) });
    }
    await next();
  });
}

/** `limit` requests a minute per client address (`trustedProxies` name who forwards for it). */
export function perAddressPerMinute(
  limit: number,
  trustedProxies: readonly string[],
  message: string,
): MiddlewareHandler<AppEnv> {
  return rateLimit({
    limit,
    windowSeconds: 60,
    key: (c) => clientAddress(c, trustedProxies),
    message,
  });
}

import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import { timingSafeEqual } from "node:crypto";
import type { AppEnv } from "../http/env.ts";
import type { WebMetrics } from "./mod.ts";

/**
 * Counts and times every request by its route pattern (`/api/recordings/:id`, never the path
 * itself, so the label set stays small); a path no route matched is `unmatched`.
 */
export function httpMetrics(metrics: WebMetrics): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      // After the handlers ran, the route index names the one that answered.
      const route = routePath(c);
      metrics.request(
        route && !route.endsWith("*") ? route : "unmatched",
        c.req.method,
        c.res.status,
        (performance.now() - started) / 1000,
      );
    }
  });
}

/**
 * `GET /metrics` for a scraper sending `Authorization: Bearer <METRICS_TOKEN>`; without a token
 * configured there is no such page (the figures say who is busy when, which is nobody's business).
 */
export function metricsEndpoint(
  metrics: WebMetrics,
  token: string | undefined,
): MiddlewareHandler<AppEnv> {
  const expected = new TextEncoder().encode(`Bearer ${token}`);
  return async (c, next) => {
    if (!token) return await next();
    const given = new TextEncoder().encode(c.req.header("authorization") ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return c.text("unauthorized", 401, { "www-authenticate": "Bearer" });
    }
    c.header("cache-control", "no-store");
    return c.text(await metrics.registry.metrics(), 200, {
      "content-type": metrics.registry.contentType,
    });
  };
}

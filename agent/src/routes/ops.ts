/** Operational endpoints: `/healthz` (Redis reachable) and `/metrics` (Prometheus text). */
import type { Redis } from "ioredis";
import { Hono } from "hono";
import { problem } from "../../../shared/http/problem.ts";
import type { AgentMetrics } from "../metrics/agent-metrics.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../metrics/registry.ts";

/** Builds the operational routes. */
export function opsRoutes(deps: { redis: Redis; metrics: AgentMetrics }): Hono {
  const app = new Hono();

  app.get("/healthz", async (c) => {
    try {
      await deps.redis.ping();
    } catch {
      deps.metrics.redisErrors.inc();
      throw problem(503, "redis unavailable");
    }
    return c.json({ status: "ok" });
  });

  app.get(
    "/metrics",
    async (c) =>
      c.body(await deps.metrics.registry.render(), 200, {
        "content-type": PROMETHEUS_CONTENT_TYPE,
      }),
  );

  return app;
}

/**
 * Signed provisioning from web: `PUT /internal/subscribers/:care4wId` (upsert) and
 * `DELETE /internal/subscribers/:care4wId` (deactivate). Web pushes on every change and retries
 * while the agent is down, so both are idempotent.
 */
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { isCare4wId } from "../../../shared/care4w-id.ts";
import { subscriberUpsertSchema } from "../../../shared/agent-contract.ts";
import { limitBody } from "../../../shared/http/body-limit.ts";
import { problem, validationProblem } from "../../../shared/http/problem.ts";
import type { ReplayGuard } from "../../../shared/http/replay-guard.ts";
import { requireSignature, type SignedEnv } from "../../../shared/http/signed.ts";
import type { AgentMetrics } from "../metrics/agent-metrics.ts";
import type { Provisioning } from "../subscribers/provisioning.ts";

/** What the provisioning routes need. */
export interface InternalRouteDeps {
  provisioning: Provisioning;
  /** Nonces already seen (Redis in production). */
  replays: ReplayGuard;
  metrics: AgentMetrics;
  internalApiSecret: string;
  nowSeconds: () => number;
}

const MAX_BODY_BYTES = 16 * 1024;

/** The `result` label of a provisioning answer; other statuses (a 404, a 500) are not counted. */
const RESULTS: Record<number, string> = {
  200: "ok",
  204: "ok",
  400: "invalid",
  413: "invalid",
  401: "unauthorized",
  503: "error",
};

/**
 * Counts every provisioning answer by operation and final status, whichever layer produced it
 * (body limit, signature check or handler).
 */
function countProvisioning(metrics: AgentMetrics) {
  return createMiddleware(async (c, next) => {
    try {
      await next();
    } finally {
      const result = RESULTS[c.res.status];
      const op = c.req.method === "DELETE" ? "delete" : "upsert";
      if (result) metrics.provisioning.inc({ op, result });
    }
  });
}

/** The path's CareFlow ID, or a 400. */
function care4wIdOf(value: string): string {
  if (!isCare4wId(value)) throw problem(400, "path must name a CareFlow ID");
  return value;
}

/** Builds the `/internal/subscribers` routes (mounted under `/internal`). */
export function internalRoutes(deps: InternalRouteDeps): Hono<SignedEnv> {
  const { metrics, provisioning } = deps;
  const app = new Hono<SignedEnv>();

  app.use("/subscribers/*", countProvisioning(metrics));
  app.use("/subscribers/*", limitBody(MAX_BODY_BYTES));
  app.use(
    "/subscribers/*",
    requireSignature({
      secret: deps.internalApiSecret,
      replays: deps.replays,
      nowSeconds: deps.nowSeconds,
      onRefused: (refusal) => {
        if (refusal.outcome === "unavailable") metrics.redisErrors.inc();
      },
    }),
  );

  /** Runs a Redis write; any failure is Redis being unavailable (503), counted. */
  async function write<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch {
      metrics.redisErrors.inc();
      throw problem(503, "redis unavailable");
    }
  }

  app.put("/subscribers/:care4wId", async (c) => {
    const care4wId = care4wIdOf(c.req.param("care4wId"));
    // Parsed from the very bytes the signature covers, not from a second read of the request.
    let json: unknown;
    try {
      json = JSON.parse(c.get("rawBody"));
    } catch {
      throw problem(400, "body is not JSON");
    }
    const body = subscriberUpsertSchema.safeParse(json);
    if (!body.success) throw validationProblem(body.error, "body");
    await write(() => provisioning.upsert(care4wId, body.data));
    return c.json({ care4wId, active: body.data.active });
  });

  app.delete("/subscribers/:care4wId", async (c) => {
    const care4wId = care4wIdOf(c.req.param("care4wId"));
    await write(() => provisioning.deactivate(care4wId));
    return c.body(null, 204);
  });

  return app;
}

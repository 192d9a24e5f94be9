/**
 * Signed provisioning from web: `PUT /internal/subscribers/:care4wId` (upsert) and
 * `DELETE /internal/subscribers/:care4wId` (deactivate). Web pushes on every change and retries
 * while the agent is down, so both are idempotent.
 */
import type { Redis } from "ioredis";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { isCare4wId } from "../../../shared/care4w-id.ts";
import { subscriberUpsertSchema } from "../../../shared/agent-contract.ts";
import { problem } from "../http/problem.ts";
import { requireSignature, type SignedVariables } from "../http/signed.ts";
import type { AgentMetrics } from "../metrics/agent-metrics.ts";
import type { Provisioning } from "../subscribers/provisioning.ts";

/** What the provisioning routes need. */
export interface InternalRouteDeps {
  provisioning: Provisioning;
  redis: Redis;
  metrics: AgentMetrics;
  internalApiSecret: string;
  nowSeconds: () => number;
}

const MAX_BODY_BYTES = 16 * 1024;

/** Builds the `/internal/subscribers` routes (mounted under `/internal`). */
export function internalRoutes(deps: InternalRouteDeps): Hono<{ Variables: SignedVariables }> {
  const { metrics } = deps;
  const app = new Hono<{ Variables: SignedVariables }>();
  const opOf = (method: string) => (method === "DELETE" ? "delete" : "upsert");

  app.use(
    "/subscribers/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => {
        metrics.provisioning.inc({ op: opOf(c.req.method), result: "invalid" });
        return problem(c, 413, "payload-too-large");
      },
    }),
  );
  app.use(
    "/subscribers/*",
    requireSignature({
      secret: deps.internalApiSecret,
      redis: deps.redis,
      nowSeconds: deps.nowSeconds,
      onRefused: (result, method) => metrics.provisioning.inc({ op: opOf(method), result }),
      onRedisError: () => metrics.redisErrors.inc(),
    }),
  );

  app.put("/subscribers/:care4wId", async (c) => {
    const count = (result: string) => metrics.provisioning.inc({ op: "upsert", result });
    const care4wId = c.req.param("care4wId");
    if (!isCare4wId(care4wId)) {
      count("invalid");
      return problem(c, 400, "bad-request", "path must name a CareFlow ID");
    }
    let json: unknown;
    try {
      json = JSON.parse(c.get("rawBody"));
    } catch {
      count("invalid");
      return problem(c, 400, "bad-request", "body is not JSON");
    }
    const body = subscriberUpsertSchema.safeParse(json);
    if (!body.success) {
      count("invalid");
      const issue = body.error.issues[0];
      return problem(c, 400, "bad-request", `${issue.path.join(".") || "body"}: ${issue.message}`);
    }
    try {
      await deps.provisioning.upsert(care4wId, body.data);
    } catch {
      metrics.redisErrors.inc();
      count("error");
      return problem(c, 503, "unavailable", "redis unavailable");
    }
    count("ok");
    return c.json({ care4wId, active: body.data.active });
  });

  app.delete("/subscribers/:care4wId", async (c) => {
    const count = (result: string) => metrics.provisioning.inc({ op: "delete", result });
    const care4wId = c.req.param("care4wId");
    if (!isCare4wId(care4wId)) {
      count("invalid");
      return problem(c, 400, "bad-request", "path must name a CareFlow ID");
    }
    try {
      await deps.provisioning.deactivate(care4wId);
    } catch {
      metrics.redisErrors.inc();
      count("error");
      return problem(c, 503, "unavailable", "redis unavailable");
    }
    count("ok");
    return c.body(null, 204);
  });

  return app;
}

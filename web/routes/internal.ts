/**
 * Internal API for the agent (not for browsers): `GET /internal/subscribers/:care4wId`, the
 * agent's cache-miss fetch. Only a valid HMAC signature (`shared/signing.ts`) opens it: a session
 * cookie counts for nothing here. Stale (> 5 min) or replayed requests get 401.
 */
import { Hono } from "hono";
import type { MiddlewareHandler } from "hono";
import { isCare4wId } from "../../shared/care4w-id.ts";
import { verifyRequest } from "../../shared/signing.ts";
import type { AppEnv } from "../http/env.ts";
import { problem } from "../http/problem.ts";
import type { Logger } from "../log.ts";
import type { SipEdge } from "../sip/mod.ts";

export interface InternalDeps {
  /** Absent when SIP is not configured: every internal path is then 404. */
  sip: SipEdge | undefined;
  logger: Logger;
  now: () => Date;
}

/** Refuses anything but a fresh, correctly signed, never-seen request. */
function requireSignature(sip: SipEdge, deps: InternalDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const result = verifyRequest({
      secret: sip.config.internalApiSecret,
      method: c.req.method,
      path: url.pathname + url.search,
      body: await c.req.text(),
      headers: c.req.raw.headers,
      now: deps.now().getTime() / 1000,
    });
    const reason = result.ok
      ? (sip.nonces.remember(result.nonce) ? null : "replayed nonce")
      : result
        .reason;
    if (reason) {
      deps.logger.warn("internal request refused", { path: url.pathname, reason });
      throw problem(401, `The request signature was refused: ${reason}.`);
    }
    await next();
  };
}

/** Builds the `/internal` routes. */
export function internalRoutes(deps: InternalDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const sip = deps.sip;
  if (!sip) {
    app.all("*", () => {
      throw problem(404, "The internal API is off: SIP is not configured on this server.");
    });
    return app;
  }
  app.use("*", requireSignature(sip, deps));
  app.get("/subscribers/:care4wId", async (c) => {
    const care4wId = c.req.param("care4wId");
    if (!isCare4wId(care4wId)) throw problem(400, "The path must name a CareFlow ID.");
    const record = await sip.phones.subscriber(care4wId);
    if (!record) throw problem(404, "Nobody has this CareFlow ID.");
    c.header("cache-control", "no-store");
    return c.json(record);
  });
  app.all("*", (c) => {
    throw problem(404, `There is no internal endpoint ${c.req.method} ${c.req.path}.`);
  });
  return app;
}

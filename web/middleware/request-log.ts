import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/env.ts";
import { setResponseHeaders } from "../http/headers.ts";
import type { Logger } from "../log.ts";

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Gives each request an id (a well-formed incoming `x-request-id` is kept, so a proxy's id
 * follows the request) and logs one line when it ends. Only the path is logged: query strings
 * and headers can carry tokens.
 */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", requestId);
    c.set("user", null);
    c.set("sessionKey", null);
    try {
      await next();
    } finally {
      setResponseHeaders(c, [["x-request-id", requestId]]);
      logger.info("request", {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        requestId,
        userId: c.get("user")?.id,
      });
    }
  });
}

import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/env.ts";
import { problem } from "../../shared/http/problem.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses state-changing requests sent by another site's page (CSRF): a foreign `Origin`, or
 * no `Origin` with `Sec-Fetch-Site: cross-site`. Requests without either header (curl, the
 * agent) pass; they carry no ambient browser credentials worth stealing.
 */
export function originGuard(publicUrl: string | undefined): MiddlewareHandler<AppEnv> {
  const configured = publicUrl ? new URL(publicUrl).origin : null;
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method) || c.req.header("upgrade")) {
      const expected = configured ?? new URL(c.req.url).origin;
      const origin = c.req.header("origin");
      const foreign = origin !== undefined
        ? origin !== expected
        : c.req.header("sec-fetch-site") === "cross-site";
      if (foreign) throw problem(403, "Requests from another site are not accepted.");
    }
    await next();
  });
}

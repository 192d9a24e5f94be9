import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/env.ts";
import { getCookie } from "hono/cookie";
import { problem } from "../../shared/http/problem.ts";
import { SESSION_COOKIE } from "../auth/sessions.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses state-changing requests sent by another site's page (CSRF): a foreign `Origin`, or
 * no `Origin` with `Sec-Fetch-Site: cross-site`. A request carrying the session cookie must also
 * prove it comes from our own pages: `Origin` naming us, or `Sec-Fetch-Site: same-origin` (every
 * browser sends one of them); a cookie replayed from a script without either is refused.
 * Requests without the cookie (sign-in, the agent, Twilio) carry no ambient credentials.
 */
export function originGuard(publicUrl: string | undefined): MiddlewareHandler<AppEnv> {
  const configured = publicUrl ? new URL(publicUrl).origin : null;
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method) || c.req.header("upgrade")) {
      const expected = configured ?? new URL(c.req.url).origin;
      const origin = c.req.header("origin");
      const site = c.req.header("sec-fetch-site");
      const foreign = origin !== undefined ? origin !== expected : site === "cross-site";
      if (foreign) throw problem(403, "Requests from another site are not accepted.");
      const ours = origin === expected || site === "same-origin";
      if (!ours && getCookie(c, SESSION_COOKIE) !== undefined) {
        throw problem(403, "Signed-in changes must come from CareFlow's own pages (Origin).");
      }
    }
    await next();
  });
}

import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../http/env.ts";
import { problem } from "../../shared/http/problem.ts";
import { SESSION_COOKIE, type SessionService } from "../auth/sessions.ts";

/** Loads the signed-in user (if any) from the session cookie. */
export function loadSession(sessions: SessionService): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const found = await sessions.resolve(token);
      if (found) {
        c.set("user", found.user);
        c.set("sessionKey", found.key);
      }
    }
    await next();
  });
}

/** API guard: 401 problem+json without a session. */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("user")) throw problem(401, "Sign in to use this endpoint.");
  await next();
});

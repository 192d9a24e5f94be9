import { createMiddleware } from "hono/factory";
import { problem } from "../../shared/http/problem.ts";
import type { AppEnv } from "../http/env.ts";

/**
 * Refuses a request whose `Host` makes no URL (`[::1`, `a b`, a port over 65535) with 400: the
 * runtime hands such a URL through as text, and whatever parses it later would fail with a 500.
 */
export const validHost = createMiddleware<AppEnv>(async (c, next) => {
  if (!URL.canParse(c.req.url)) {
    throw problem(400, "The Host header is not a valid host name and port.");
  }
  await next();
});

/** Hono's body limit, answering a body over it with a 413 problem. */
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { problem } from "./problem.ts";

/**
 * Refuses bodies over `maxBytes` without reading them whole. Paths matching `except` (streamed
 * uploads, which enforce their own limits as they store) are let through.
 */
export function limitBody(maxBytes: number, options: { except?: RegExp } = {}) {
  const kib = Math.round(maxBytes / 1024);
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw problem(413, `The body is larger than ${kib} KiB.`);
    },
  });
  if (!options.except) return limit;
  const except = options.except;
  return createMiddleware(async (c, next) => {
    if (except.test(c.req.path)) return await next();
    return await limit(c, next);
  });
}

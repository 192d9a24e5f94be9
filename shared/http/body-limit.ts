/** Hono's body limit, answering a body over it with a 413 problem. */
import { bodyLimit } from "hono/body-limit";
import type { Context } from "hono";
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
  const except = options.except;
  return createMiddleware(async (c, next) => {
    if (except?.test(c.req.path) || bodiless(c)) return await next();
    return await limit(c, next);
  });
}

/**
 * An HTTP/1 request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112
 * §6.3). Asked otherwise (`body`), node:http builds the whole native Request first, a tenth of a
 * request's time (`--cpu-prof`). HTTP/2 may stream a body with neither, so elsewhere the body
 * itself is asked.
 */
function bodiless(c: Context): boolean {
  const incoming = (c.env as { incoming?: { httpVersionMajor?: number } } | undefined)?.incoming;
  return incoming?.httpVersionMajor === 1 && c.req.header("content-length") === undefined &&
    c.req.header("transfer-encoding") === undefined;
}

import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { encodeBase64 } from "../http/base64.ts";
import type { AppEnv } from "../http/env.ts";
import { setResponseHeaders } from "../http/headers.ts";

/** Extra origins a page may connect to (e.g. the SIP WebSocket in `sip` mode). */
export interface SecurityHeaderOptions {
  connectSources?: string[];
  /** Served over https (PUBLIC_URL): browsers are told to use nothing else for a year. */
  hsts?: boolean;
}

/** What a static asset carries: only that its type is what it says. */
const ASSET_HEADERS = [["x-content-type-options", "nosniff"]] as const;

/**
 * Sets a strict Content-Security-Policy with a fresh nonce per request (only the boot script
 * carries it: no inline script runs without it), and the other hardening headers, on every
 * response but static assets (which get `nosniff` only).
 */
export function securityHeaders(options: SecurityHeaderOptions = {}): MiddlewareHandler<AppEnv> {
  const connect = ["'self'", ...(options.connectSources ?? [])].join(" ");
  // Everything but the nonce is the same on every response: built once.
  const before = "default-src 'self'; script-src 'self' 'nonce-";
  const after = [
    "'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const fixed = [
    ["x-content-type-options", "nosniff"],
    ["x-frame-options", "DENY"],
    ["referrer-policy", "strict-origin-when-cross-origin"],
    ["permissions-policy", "microphone=(self), camera=(), geolocation=()"],
    ["cross-origin-opener-policy", "same-origin"],
    ...(options.hsts ? [["strict-transport-security", "max-age=31536000; includeSubDomains"]] : []),
  ] as [string, string][];
  return createMiddleware<AppEnv>(async (c, next) => {
    const nonce = encodeBase64(crypto.getRandomValues(new Uint8Array(16)));
    c.set("nonce", nonce);
    await next();
    // Scripts, styles and images: the document headers mean nothing on them, and a page's dozen
    // chunks each carrying 700 bytes of them cost a slow link a tenth of a second. (A page
    // answering under /static/, the not-found one, and SVG, a document too, still get them.)
    const type = c.res.headers.get("content-type") ?? "";
    const asset = c.req.path.startsWith("/static/") && !/^text\/html|svg/.test(type);
    if (asset) return setResponseHeaders(c, ASSET_HEADERS);
    setResponseHeaders(c, [["content-security-policy", `${before}${nonce}${after}`], ...fixed]);
  });
}

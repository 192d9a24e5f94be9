/**
 * What every request passes before any route: metrics and the request log, the Host check,
 * `/metrics`, security headers, the origin guard, compression, static files and the body
 * limits; then, after the session is known, the per-user and per-address limits.
 */
import type { Hono } from "hono";
import { compress } from "hono/compress";
import { serveStatic } from "hono/deno";
import { limitBody } from "../../shared/http/body-limit.ts";
import { BUILD_DIR } from "../build/manifest.ts";
import { precompressedFiles } from "../http/precompressed.ts";
import type { AppServices } from "../app.ts";
import type { Config } from "../config.ts";
import type { AppEnv } from "../http/env.ts";
import { setResponseHeaders } from "../http/headers.ts";
import { httpMetrics, metricsEndpoint } from "../metrics/http.ts";
import { originGuard } from "./origin-guard.ts";
import { clientAddress, rateLimit } from "./rate-limit.ts";
import { requestLog } from "./request-log.ts";
import { securityHeaders } from "./security-headers.ts";
import { validHost } from "./valid-host.ts";

/** Uploads stream into storage and enforce their own limits as they arrive. */
const STREAMED_API = /^\/api\/(recordings\/(upload|[^/]+\/parts\/\d+)|voicemail(\/greeting)?)$/;
const STREAMED_INTERNAL = /^\/internal\/recordings\//;

/**
 * What runs before any route: metrics and the request log, the Host check, `/metrics`, security
 * headers, the origin guard, static files, and the body limits.
 */
export function guardEveryRequest(app: Hono<AppEnv>, services: AppServices) {
  const { config, logger, sip } = services;
  app.use("*", httpMetrics(services.metrics));
  app.use("*", requestLog(logger));
  app.use("*", validHost);
  app.get("/metrics", metricsEndpoint(services.metrics, config.metricsToken));
  app.use(
    "*",
    securityHeaders({
      connectSources: sip ? [new URL(sip.config.wsUrl).origin] : [],
      hsts: config.publicUrl?.startsWith("https:") ?? false,
    }),
  );
  app.use("*", originGuard(config.publicUrl));
  // gzip for what is worth it: pages, static files the build did not compress, the API's lists;
  // not each small JSON answer (a lookup per keystroke: 200 bytes cost more than they save).
  const gzip = compress();
  app.use("*", (c, next) => (COMPRESSED.test(c.req.path) ? gzip(c, next) : next()));
  app.use("/static/build/*", async (c, next) => {
    await next();
    if (c.res.ok) setResponseHeaders(c, [["cache-control", "public, max-age=31536000, immutable"]]);
  });
  // The build's brotli and gzip copies (build.ts) go to browsers that take them, as they are.
  app.use("/static/build/*", precompressedFiles(BUILD_DIR));
  app.use("/static/*", serveStatic({ root: new URL("../", import.meta.url).pathname }));
  app.use("/api/*", limitBody(64 * 1024, { except: STREAMED_API }));
  // Pages take no bodies worth more than a form: the same limit as the API, everywhere else.
  app.use("*", limitBody(64 * 1024, { except: /^\/(api|internal)\// }));
  // A batch of the agent's events is at most a few hundred small JSON objects.
  app.use("/internal/*", limitBody(1024 * 1024, { except: STREAMED_INTERNAL }));
}

/** Pages, static files and the API's lists: whatever is not under /api, /internal or /metrics. */
const COMPRESSED = /^\/(?!api\/|internal\/|metrics$)|^\/api\/(calls|recordings|voicemail)(\/?$|\?)/;

/** Per-user and per-address limits of what is cheap to ask and costly to answer in bulk. */
export function limitAbuse(app: Hono<AppEnv>, config: Config) {
  const { lookupsPerMinute, signupsPerHour, trustedProxies } = config.limits;
  for (const path of ["/api/users/lookup", "/api/users/directory", "/api/users/presence"]) {
    app.use(
      path,
      rateLimit({
        limit: lookupsPerMinute,
        windowSeconds: 60,
        key: (c) => c.get("user")?.id ?? clientAddress(c, trustedProxies),
        message: `At most ${lookupsPerMinute} lookups a minute. Try again in a minute.`,
      }),
    );
  }
  app.use(
    "/api/auth/signup",
    rateLimit({
      limit: signupsPerHour,
      windowSeconds: 3600,
      key: (c) => clientAddress(c, trustedProxies),
      message: "Too many sign-ups from this address. Try again later.",
    }),
  );
}

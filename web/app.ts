import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { serveStatic } from "hono/deno";
import type { Config } from "./config.ts";
import type { Logger } from "./log.ts";
import type { AppEnv } from "./http/env.ts";
import { HttpProblem, problem, sendProblem } from "./http/problem.ts";
import type { ManifestSource } from "./build/manifest.ts";
import type { Store } from "./store/types.ts";
import type { PasswordHasher } from "./auth/passwords.ts";
import { createSessionService } from "./auth/sessions.ts";
import { createLoginThrottle } from "./auth/login-throttle.ts";
import type { FirebaseVerifier } from "./auth/firebase.ts";
import { requestLog } from "./middleware/request-log.ts";
import { securityHeaders } from "./middleware/security-headers.ts";
import { originGuard } from "./middleware/origin-guard.ts";
import { loadSession } from "./middleware/session.ts";
import { authRoutes } from "./routes/api/auth.ts";
import { accountRoutes } from "./routes/api/account.ts";
import { callRoutes } from "./routes/api/calls.ts";
import { signalRoutes } from "./routes/api/signal.ts";
import type { CallService } from "./calls/service.ts";
import { iceServersFor } from "./calls/ice-servers.ts";
import { pageRoutes } from "./routes/pages.ts";
import { sipRoutes } from "./routes/api/sip.ts";
import { adminRoutes, withAdminEmails } from "./routes/api/admin.ts";
import { internalRoutes } from "./routes/internal.ts";
import type { AgentClient } from "./sip/agent-client.ts";
import { createSipEdge } from "./sip/mod.ts";

/** Everything the app needs from outside, wired explicitly by `main.ts` or a test. */
export interface AppDeps {
  config: Config;
  store: Store;
  logger: Logger;
  manifest: ManifestSource;
  passwords: PasswordHasher;
  firebase?: FirebaseVerifier;
  /** Browser-to-browser calls (webrtc mode): relays signaling, writes call records. */
  calls: CallService;
  /**
   * Pushes subscriber changes to the SIP agent; required when SIP is configured (the caller owns
   * it so it can close its retry timers on shutdown).
   */
  agent?: AgentClient;
  now?: () => Date;
}

/** The composition root: builds the Hono app from its dependencies. No globals. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { config, logger } = deps;
  const store = withAdminEmails(deps.store, config.adminEmails);
  const now = deps.now ?? (() => new Date());
  if (config.sip && !deps.agent) throw new Error("SIP is configured but no agent client was given");
  const sip = config.sip && deps.agent
    ? createSipEdge(config.sip, { store, agent: deps.agent, now })
    : undefined;
  const sessions = createSessionService(store, config.sessionTtlMinutes, now);
  const throttle = createLoginThrottle(store, config.login, now);
  const app = new Hono<AppEnv>();

  app.use("*", requestLog(logger));
  app.use(
    "*",
    securityHeaders({ connectSources: sip ? [new URL(sip.config.wsUrl).origin] : [] }),
  );
  app.use("*", originGuard(config.publicUrl));
  app.use("/static/build/*", async (c, next) => {
    await next();
    if (c.res.ok) c.header("cache-control", "public, max-age=31536000, immutable");
  });
  app.use("/static/*", serveStatic({ root: new URL("./", import.meta.url).pathname }));
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: 64 * 1024,
      onError: () => {
        throw problem(413, "The body is larger than 64 KiB.");
      },
    }),
  );
  app.use(
    "/internal/*",
    bodyLimit({
      maxSize: 16 * 1024,
      onError: () => {
        throw problem(413, "The body is larger than 16 KiB.");
      },
    }),
  );
  // Before the session middleware: the agent's API never looks at cookies.
  app.route("/internal", internalRoutes({ sip, logger, now }));
  app.use("*", loadSession(sessions));

  app.route(
    "/api/auth",
    authRoutes({
      store,
      passwords: deps.passwords,
      sessions,
      throttle,
      firebase: deps.firebase,
      secureCookies: config.publicUrl?.startsWith("https:") ?? false,
    }),
  );
  app.route(
    "/api",
    accountRoutes({
      store,
      callMode: config.callMode,
      iceServers: (care4wId) => iceServersFor(config, care4wId),
      sipCredentials: sip ? (care4wId) => sip.browserCredentials(care4wId) : undefined,
    }),
  );
  app.route("/api/sip", sipRoutes({ sip, logger }));
  app.route("/api/admin", adminRoutes({ store, agent: sip?.agent, logger }));
  app.route("/api/calls", callRoutes({ store }));
  app.route("/api/signal", signalRoutes({ calls: deps.calls, logger }));
  app.all("/api/*", (c) => {
    throw problem(404, `There is no API endpoint ${c.req.method} ${c.req.path}.`);
  });
  app.route("/", pageRoutes({ manifest: deps.manifest, sessions }));

  app.notFound((c) => c.html(notFoundPage(), 404));
  app.onError((error, c) => {
    if (error instanceof HttpProblem) return sendProblem(c, error);
    logger.error("unhandled error", {
      requestId: c.get("requestId"),
      path: c.req.path,
      error: error instanceof Error ? error.name : "unknown",
      detail: error instanceof Error ? error.message.slice(0, 200) : undefined,
    });
    return sendProblem(c, problem(500, "Something went wrong on our side. Please try again."));
  });
  return app;
}

function notFoundPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · CareFlow` +
    `</title><link rel="stylesheet" href="/static/styles.css"></head><body><main class="narrow">` +
    `<h1>Page not found</h1><p><a href="/">Back to CareFlow</a></p></main></body></html>`;
}

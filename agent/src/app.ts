/**
 * Composition root: wires Redis, web, Kamailio and the routes into one Hono app. `main.ts` serves
 * it; tests call `app.request()` against a real Redis.
 */
import type { Redis } from "ioredis";
import { Hono } from "hono";
import type { AgentConfig } from "./config.ts";
import { problem } from "./http/problem.ts";
import { createKamailioInvalidator, type KamailioInvalidator } from "./kamailio/rpc.ts";
import { type AgentMetrics, createAgentMetrics } from "./metrics/agent-metrics.ts";
import { internalRoutes } from "./routes/internal.ts";
import { kamailioRoutes } from "./routes/kamailio.ts";
import { opsRoutes } from "./routes/ops.ts";
import { SubscriberDirectory } from "./subscribers/directory.ts";
import { Provisioning } from "./subscribers/provisioning.ts";
import { SubscriberStore } from "./subscribers/store.ts";
import { createWebLookup, type WebLookup } from "./subscribers/web-client.ts";

/** Everything the app needs from outside. Optional parts default to the real implementations. */
export interface AgentDeps {
  config: AgentConfig;
  redis: Redis;
  metrics?: AgentMetrics;
  /** Cache-miss source; defaults to signed fetches from `config.webUrl` (none when unset). */
  web?: WebLookup | null;
  /** Kamailio invalidation; defaults to JSON-RPC at `config.kamailioRpcUrl` (none when unset). */
  kamailio?: KamailioInvalidator;
  /** Clock in unix seconds. */
  nowSeconds?: () => number;
  /** Warning logger (console.warn by default). */
  warn?: (line: string) => void;
  /** TTL of cached "unknown user" answers. */
  negativeTtlSeconds?: number;
}

/** The app and the parts tests and `main.ts` look at. */
export interface AgentApp {
  app: Hono;
  metrics: AgentMetrics;
  directory: SubscriberDirectory;
}

/** Builds the agent's HTTP app. */
export function createAgentApp(deps: AgentDeps): AgentApp {
  const { config, redis } = deps;
  const metrics = deps.metrics ?? createAgentMetrics();
  const nowSeconds = deps.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const warn = deps.warn ?? console.warn;
  const web = deps.web !== undefined
    ? deps.web
    : config.webUrl
    ? createWebLookup(config.webUrl, config.internalApiSecret)
    : null;
  const kamailio = deps.kamailio ??
    createKamailioInvalidator(config.kamailioRpcUrl, metrics, warn);

  const store = new SubscriberStore(redis);
  const directory = new SubscriberDirectory({
    store,
    metrics,
    web,
    negativeTtlSeconds: deps.negativeTtlSeconds,
  });
  const provisioning = new Provisioning(store, kamailio);

  const app = new Hono();
  app.route(
    "/kamailio",
    kamailioRoutes({
      directory,
      metrics,
      sipDomain: config.sipDomain,
      sipCredentialSecret: config.sipCredentialSecret,
      nowSeconds,
    }),
  );
  app.route(
    "/internal",
    internalRoutes({
      provisioning,
      redis,
      metrics,
      internalApiSecret: config.internalApiSecret,
      nowSeconds,
    }),
  );
  app.route("/", opsRoutes({ redis, metrics }));

  app.notFound((c) => problem(c, 404, "not-found"));
  app.onError((error, c) => {
    // The error's name only: messages from libraries may echo request data.
    warn(`careflow-agent: error: unhandled ${error.name} on ${c.req.method} ${c.req.path}`);
    return problem(c, 500, "internal");
  });

  return { app, metrics, directory };
}

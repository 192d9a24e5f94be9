/**
 * The composition root: the one place that builds the agent's parts from its config (Redis,
 * metrics, subscriber directory, provisioning, web lookups, Kamailio invalidation, the media side
 * in `media.ts`, the Hono app) and runs them. `main.ts` calls `start()`/`stop()`; tests use `app.request()` with overrides and
 * no server at all.
 */
import type { Redis } from "ioredis";
import { Hono } from "hono";
import { problem, problemHandler } from "../../shared/http/problem.ts";
import type { ReplayGuard } from "../../shared/http/replay-guard.ts";
import type { AgentConfig } from "./config.ts";
import { createMediaSide, type MediaSide } from "./media.ts";
import { registerKamailioStats } from "./kamailio/stats.ts";
import { createCacheRefill } from "./kamailio/cache-refill.ts";
import { createHa1Pages, type Ha1Pages } from "./kamailio/ha1-pages.ts";
import { createKamailioInvalidator, type KamailioInvalidator } from "./kamailio/rpc.ts";
import type { WarnLogger } from "./log.ts";
import { type AgentMetrics, createAgentMetrics } from "./metrics/agent-metrics.ts";
import { createRedisClient } from "./redis/client.ts";
import { createRedisReplayGuard } from "./redis/replay-guard.ts";
import { internalRoutes } from "./routes/internal.ts";
import { kamailioRoutes } from "./routes/kamailio.ts";
import { opsRoutes } from "./routes/ops.ts";
import { createSubscriberDirectory, type SubscriberDirectory } from "./subscribers/directory.ts";
import { createProvisioning, type Provisioning } from "./subscribers/provisioning.ts";
import { createSubscriberStore, type SubscriberStore } from "./subscribers/store.ts";
import { createWebLookup, type WebLookup } from "./subscribers/web-client.ts";

/** A background consumer that runs while the agent serves, needing Redis while it does. */
export interface AgentService {
  /** For log lines. */
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Parts to use instead of the ones built from the config (tests). */
export interface AgentOverrides {
  /** A client the caller owns: `start()` does not connect it and `stop()` leaves it open. */
  redis?: Redis;
  metrics?: AgentMetrics;
  /** Cache-miss source; null for none. Defaults to signed fetches from `config.webUrl`. */
  web?: WebLookup | null;
  /** Defaults to JSON-RPC at `config.kamailioRpcUrl` (nothing sent when unset). */
  kamailio?: KamailioInvalidator;
  /** Clock in unix seconds. */
  nowSeconds?: () => number;
  /** Warning logger (console.warn by default). */
  warn?: WarnLogger;
  /** TTL of cached "unknown user" answers. */
  negativeTtlSeconds?: number;
  /** Background consumers, in addition to the agent's own. */
  services?: AgentService[];
}

/** Where a started agent listens. */
export interface AgentAddress {
  host: string;
  /** The real port, also when the config asked for 0. */
  port: number;
  url: string;
}

/** A wired agent: its HTTP app, its parts, and its lifecycle. */
export interface Agent {
  app: Hono;
  metrics: AgentMetrics;
  directory: SubscriberDirectory;
  redis: Redis;
  /** The outbox, ESL, CDR, recordings and presence parts the config asked for. */
  media: MediaSide;
  /**
   * Connects Redis (a Redis that is down is warned about, not fatal: lookups answer 503 and
   * ioredis keeps reconnecting), starts the services, then serves on the config's host and port.
   */
  start(): Promise<AgentAddress>;
  /** Stops serving, stops the services (last started, first stopped), then lets Redis go. */
  stop(): Promise<void>;
}

/** Builds the agent from its config; nothing connects or listens before `start()`. */
export function createAgent(config: AgentConfig, overrides: AgentOverrides = {}): Agent {
  const warn = overrides.warn ?? console.warn;
  const nowSeconds = overrides.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const ownsRedis = !overrides.redis;
  const redis = overrides.redis ?? createRedisClient(config.redisUrl, warn);
  const metrics = overrides.metrics ?? createAgentMetrics();
  // Kamailio's own figures ride along on the agent's /metrics (an agent per Kamailio node).
  if (config.kamailioRpcUrl && !overrides.metrics) {
    registerKamailioStats(metrics.registry, {
      url: config.kamailioRpcUrl,
      secret: config.kamailioApiSecret,
    });
  }
  const web = overrides.web !== undefined
    ? overrides.web
    : config.webUrl
    ? createWebLookup(config.webUrl, config.internalApiSecret)
    : null;
  const kamailio = overrides.kamailio ??
    createKamailioInvalidator(
      config.kamailioRpcUrl,
      metrics,
      warn,
      config.kamailioPeerRpcUrls,
      config.kamailioApiSecret,
    );

  const store = createSubscriberStore(redis);
  const directory = createSubscriberDirectory({
    store,
    metrics,
    web,
    negativeTtlSeconds: overrides.negativeTtlSeconds,
  });
  const media = createMediaSide(config, { redis, registry: metrics.registry, warn });
  const refill = config.kamailioRpcUrl ? cacheRefillFor(config, store, warn) : null;
  // Background consumers start once Redis is connected and stop before it goes.
  const services: AgentService[] = [...media.services, ...(overrides.services ?? [])];

  const app = createHttpApp({
    config,
    redis,
    metrics,
    directory,
    provisioning: createProvisioning(
      store,
      kamailio,
      media.greetings
        ? (care4wId, body) => media.greetings!.note(care4wId, body?.greeting ?? null)
        : undefined,
    ),
    replays: createRedisReplayGuard(redis),
    ha1Pages: createHa1Pages(store),
    nowSeconds,
    warn,
  });

  let server: ReturnType<typeof Bun.serve> | null = null;
  let running: AgentService[] = [];

  async function stop(): Promise<void> {
    const serving = server;
    server = null;
    await serving?.stop();
    for (const service of running.reverse()) {
      // One service failing to stop must not keep the others (or Redis) running.
      await service.stop().catch((error: unknown) => {
        warn(`careflow-agent: warning: ${service.name} did not stop: ${(error as Error).name}`);
      });
    }
    running = [];
    if (ownsRedis) await disconnect(redis);
  }

  async function start(): Promise<AgentAddress> {
    if (server) throw new Error("the agent is already started");
    if (ownsRedis) {
      await redis.connect().catch(() => {
        warn("careflow-agent: warning: redis not reachable at start-up; retrying");
      });
    }
    try {
      for (const service of services) {
        await service.start();
        running.push(service);
      }
      server = Bun.serve({ hostname: config.host, port: config.port, fetch: app.fetch });
      // A Kamailio that started before the agent found nobody to read its cache from: fill it.
      void refill?.refill();
    } catch (error) {
      await stop();
      throw error;
    }
    const host = server.hostname ?? config.host;
    const port = server.port ?? config.port;
    return { host, port, url: `http://${host}:${port}` };
  }

  return { app, metrics, directory, redis, media, start, stop };
}

/**
 * Disconnects and, when a socket was open, waits (briefly) until it is closed, so a stopped agent
 * holds no connection. Without an open socket ioredis emits no "end" to wait for.
 */
async function disconnect(redis: Redis): Promise<void> {
  const open = ["connecting", "connect", "ready"].includes(redis.status);
  const closed = open
    ? new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      redis.once("end", () => {
        clearTimeout(timer);
        resolve();
      });
    })
    : undefined;
  redis.disconnect();
  await closed;
}

/** The routes, mounted on one app whose every error is a problem document. */
function createHttpApp(parts: {
  config: AgentConfig;
  redis: Redis;
  metrics: AgentMetrics;
  directory: SubscriberDirectory;
  provisioning: Provisioning;
  replays: ReplayGuard;
  ha1Pages: Ha1Pages;
  nowSeconds: () => number;
  warn: WarnLogger;
}): Hono {
  const { config, redis, metrics, directory, provisioning, replays, nowSeconds, warn } = parts;
  const app = new Hono();
  app.route(
    "/kamailio",
    kamailioRoutes({
      directory,
      metrics,
      sipDomain: config.sipDomain,
      sipCredentialSecret: config.sipCredentialSecret,
      apiSecret: config.kamailioApiSecret,
      ha1Pages: parts.ha1Pages,
      nowSeconds,
    }),
  );
  app.route(
    "/internal",
    internalRoutes({
      provisioning,
      replays,
      metrics,
      internalApiSecret: config.internalApiSecret,
      nowSeconds,
    }),
  );
  app.route("/", opsRoutes({ redis, metrics }));
  app.notFound(() => problem(404).getResponse());
  app.onError(problemHandler((error, request) => {
    // The error's name only: messages from libraries may echo request data.
    const name = error instanceof Error ? error.name : typeof error;
    warn(`careflow-agent: error: unhandled ${name} on ${request.method} ${request.path}`);
  }));

  return app;
}

/** The HA1 cache refill over every Kamailio node the config names. */
function cacheRefillFor(config: AgentConfig, store: SubscriberStore, warn: WarnLogger) {
  const secret = config.kamailioApiSecret;
  const urls = [config.kamailioRpcUrl!, ...config.kamailioPeerRpcUrls];
  return createCacheRefill({ store, nodes: urls.map((url) => ({ url, secret })), warn });
}

/** Starts CareFlow's web app from the environment. A bad configuration exits with a message. */
import type { Hono } from "hono";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import type { AppEnv } from "./http/env.ts";
import { openWeb } from "./compose.ts";
import { type ServedWeb, serveWeb } from "./http/serve.ts";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      Deno.exit(1);
    }
    throw error;
  }
  const web = await openWeb(config);
  const { logger } = web.services;
  const server = await serve(web.app, config);
  const shown = server.hostname === "127.0.0.1" ? "localhost" : server.hostname;
  logger.info("listening", {
    url: `http://${shown}:${server.port}`,
    store: config.mongodbUri ? "mongodb" : "sqlite",
    dataDir: config.dataDir,
    mode: config.callMode,
    hub: config.redisUrl ? "redis" : "memory",
  });
  const shutdown = async () => {
    await web.close(() => server.shutdown());
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", shutdown);
  Deno.addSignalListener("SIGTERM", shutdown);
}

/** Serves `app` on the server `HTTP_SERVER` names. */
async function serve(app: Hono<AppEnv>, config: Config): Promise<ServedWeb> {
  const at = { hostname: config.host, port: config.port };
  if (config.httpServer === "node") return await serveWeb(app, at);
  const server = Deno.serve({ ...at, onListen() {} }, app.fetch);
  return { ...at, port: server.addr.port, shutdown: () => server.shutdown() };
}

if (import.meta.main) await main();

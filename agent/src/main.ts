/**
 * Agent entry point: `bun run agent/src/main.ts`. Reads and validates the environment, connects to
 * Redis, serves the app on AGENT_HOST:AGENT_PORT and stops cleanly on SIGINT/SIGTERM.
 */
import { Redis } from "ioredis";
import { createAgentApp } from "./app.ts";
import { loadConfig } from "./config.ts";

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  console.error(`careflow-agent: invalid configuration: ${loaded.error}`);
  process.exit(1);
}
const config = loaded.config;

const redis = new Redis(config.redisUrl, {
  // Fail fast instead of queueing: a Kamailio worker is blocked while we wait, and a quick 503
  // lets it answer the SIP client at once.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1000,
  connectTimeout: 2000,
  lazyConnect: true,
});
let redisDownLogged = false;
redis.on("error", (error: Error & { code?: string }) => {
  // ioredis reports every failed reconnect; say it once until it comes back. Only the error code:
  // a message could carry the URL, and the URL may carry a password.
  if (!redisDownLogged) {
    console.warn(`careflow-agent: warning: redis error: ${error.code ?? error.name}`);
  }
  redisDownLogged = true;
});
redis.on("ready", () => {
  if (redisDownLogged) console.warn("careflow-agent: redis connection restored");
  redisDownLogged = false;
});
try {
  await redis.connect();
} catch {
  // Keep running: /healthz reports it, lookups answer 503, and ioredis keeps reconnecting.
  console.warn(`careflow-agent: warning: redis not reachable at start-up; retrying`);
}

const { app } = createAgentApp({ config, redis });
const server = Bun.serve({ hostname: config.host, port: config.port, fetch: app.fetch });

if (!config.webUrl) {
  console.warn("careflow-agent: warning: WEB_URL unset; cache misses are answered as unknown");
}
if (!config.kamailioRpcUrl) {
  console.warn("careflow-agent: warning: KAMAILIO_RPC_URL unset; no cache invalidation is sent");
}
console.log(`careflow-agent: listening on http://${server.hostname}:${server.port}`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`careflow-agent: ${signal}, stopping`);
  await server.stop();
  redis.disconnect();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));

/**
 * The agent's Redis connection. Kamailio workers block while the agent answers, so commands fail
 * fast instead of queueing: a quick 503 lets Kamailio answer the SIP client at once.
 */
import { Redis } from "ioredis";
import type { WarnLogger } from "../log.ts";

/**
 * Creates a client that connects only when `connect()` is called (the agent's `start()`), and
 * reports a lost connection once until it is back.
 */
export function createRedisClient(url: string, warn: WarnLogger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    connectTimeout: 2000,
    lazyConnect: true,
  });
  let downLogged = false;
  redis.on("error", (error: Error & { code?: string }) => {
    // ioredis reports every failed reconnect: say it once. Only the error code, because a message
    // could carry the URL, and the URL may carry a password.
    if (!downLogged) warn(`careflow-agent: warning: redis error: ${error.code ?? error.name}`);
    downLogged = true;
  });
  redis.on("ready", () => {
    if (downLogged) warn("careflow-agent: redis connection restored");
    downLogged = false;
  });
  return redis;
}

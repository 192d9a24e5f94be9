/**
 * Replay guard of signed provisioning, in Redis: `SET nonce:<nonce> 1 EX <ttl> NX`. Redis rather
 * than memory so a nonce stays seen across agent restarts within the signing window.
 */
import type { Redis } from "ioredis";
import type { ReplayGuard } from "../../../shared/http/replay-guard.ts";

/** Redis key that marks a nonce as seen. */
export function nonceKey(nonce: string): string {
  return `nonce:${nonce}`;
}

/** Creates the guard; a Redis error rejects (the signature middleware then answers 503). */
export function createRedisReplayGuard(redis: Redis): ReplayGuard {
  return {
    async remember(nonce, ttlSeconds) {
      return (await redis.set(nonceKey(nonce), "1", "EX", ttlSeconds, "NX")) === "OK";
    },
  };
}

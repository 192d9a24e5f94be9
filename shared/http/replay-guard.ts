/**
 * Replay guards for signed requests: remember each nonce for as long as its timestamp could still
 * be accepted, so an identical request replayed inside the window is refused. The agent keeps
 * nonces in Redis; web keeps them in memory per instance (the agent asks whichever instance it
 * reaches, and a replay to another instance still needs a timestamp within the window).
 */

/** Remembers nonces; `remember` is false for one already seen (a replay). */
export interface ReplayGuard {
  /** Records `nonce` for `ttlSeconds`; false when it was seen before (or cannot be recorded). */
  remember(nonce: string, ttlSeconds: number): Promise<boolean>;
}

/**
 * An in-memory guard, bounded so a flood cannot grow it forever (when full it refuses, which
 * fails closed). Every entry has the same TTL, so insertion order is expiry order.
 */
export function createMemoryReplayGuard(
  nowMs: () => number = Date.now,
  maxEntries = 100_000,
): ReplayGuard & { size(): number } {
  const seen = new Map<string, number>();
  const prune = () => {
    const at = nowMs();
    for (const [nonce, expires] of seen) {
      if (expires > at) break;
      seen.delete(nonce);
    }
  };
  return {
    remember(nonce, ttlSeconds) {
      prune();
      if (seen.has(nonce) || seen.size >= maxEntries) return Promise.resolve(false);
      seen.set(nonce, nowMs() + ttlSeconds * 1000);
      return Promise.resolve(true);
    },
    size: () => seen.size,
  };
}

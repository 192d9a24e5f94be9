/**
 * Remembers the nonces of signed requests for as long as their timestamps are acceptable, so an
 * identical request replayed inside the window is refused. In memory, per web instance: the agent
 * asks whichever instance it reaches, and a replay to another instance still needs a fresh
 * timestamp within 5 minutes of a request it captured. Bounded so a flood cannot grow it forever.
 */

export interface NonceCache {
  /** Records `nonce`; false when it was already seen (a replay) or the cache is full. */
  remember(nonce: string): boolean;
  size(): number;
}

/** `ttlMs` should be at least twice the signature's maximum age (clocks may be ahead or behind). */
export function createNonceCache(
  ttlMs: number,
  now: () => number = Date.now,
  maxEntries = 100_000,
): NonceCache {
  const seen = new Map<string, number>();
  const prune = () => {
    const at = now();
    // Insertion order is expiry order (constant TTL), so stop at the first live entry.
    for (const [nonce, expires] of seen) {
      if (expires > at) break;
      seen.delete(nonce);
    }
  };
  return {
    remember(nonce) {
      prune();
      if (seen.has(nonce) || seen.size >= maxEntries) return false;
      seen.set(nonce, now() + ttlMs);
      return true;
    },
    size: () => seen.size,
  };
}

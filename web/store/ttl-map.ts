/**
 * The memory behind the short read caches (`auth/session-cache.ts`, `store/lookup-cache.ts`):
 * values kept for `ttlMs`, at most `maxEntries` of them (past it the map starts over: it holds
 * one second's worth of reads, not a working set worth evicting carefully).
 */
export function createTtlMap<V>(
  ttlMs: number,
  clock: () => number,
  maxEntries = 10_000,
) {
  const entries = new Map<string, { value: V; at: number }>();
  // Bumped by every forget: a read that began before one must not keep what it read.
  let generation = 0;
  return {
    get generation(): number {
      return generation;
    },
    /** The value kept for `key` while it is fresh; `undefined` when there is none. */
    get(key: string): { value: V } | undefined {
      const hit = entries.get(key);
      return hit && clock() - hit.at < ttlMs ? hit : undefined;
    },
    /** Keeps `value` for `key` from now; returns it. */
    set(key: string, value: V): V {
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, { value, at: clock() });
      return value;
    },
    delete(key: string): void {
      generation++;
      entries.delete(key);
    },
    /** Forgets every entry whose value matches. */
    deleteWhere(matches: (value: V) => boolean): void {
      generation++;
      for (const [key, entry] of entries) if (matches(entry.value)) entries.delete(key);
    },
    clear(): void {
      generation++;
      entries.clear();
    },
  };
}

/** Reads `key` through `map`: the kept value while fresh, else what `load` finds, kept. */
export async function readThrough<V>(
  map: ReturnType<typeof createTtlMap<V>>,
  key: string,
  load: () => Promise<V>,
): Promise<V> {
  const hit = map.get(key);
  if (hit) return hit.value;
  const before = map.generation;
  const value = await load();
  // Something was forgotten meanwhile: what this read found may be what was forgotten.
  return map.generation === before ? map.set(key, value) : value;
}

/**
 * Runs a write with `forget` before it and again after it: a read racing the write (MongoDB's
 * are truly concurrent) may have found the old value meanwhile, and `readThrough` keeps nothing
 * read across a forget.
 */
export async function forgetAround<T>(forget: () => void, write: () => Promise<T>): Promise<T> {
  forget();
  try {
    return await write();
  } finally {
    forget();
  }
}

/**
 * A short-lived read cache of sessions and users, in front of the store, for the reads every
 * signed-in request makes (its session and its user: two queries of three on a lookup, measured
 * with `deno task bench:web`).
 *
 * Why it stays correct:
 * - every write through this store that ends a session or changes a user (sign-out, password
 *   change or reset, sign out others, deactivation, any user update) forgets what it touched at
 *   once, so on this instance a signed-out cookie is refused by the very next request;
 * - a write made by another instance is seen here within `ttlMs` (1 s by default): the same bound
 *   the open signaling sockets are held to (they re-check their session every second, through
 *   `uncached`, never through this cache).
 */
import type { Session, Store, User } from "../store/mod.ts";

/** The store with cached session and user reads, and the store it reads through. */
export type SessionCachedStore = Store & { uncached: Store };

/** Entries kept at most; past it the cache starts over (it holds one second's worth of reads). */
const MAX_ENTRIES = 10_000;

/**
 * Wraps `store`: `getSession` and `findUserById` answer from memory for up to `ttlMs`; writes
 * that touch a session or a user go through and forget it. `clock` is monotonic milliseconds.
 */
export function cachingSessionReads(
  store: Store,
  ttlMs = 1000,
  clock: () => number = () => performance.now(),
): SessionCachedStore {
  const sessions = new Map<string, { value: Session | null; at: number }>();
  const users = new Map<string, { value: User | null; at: number }>();
  const fresh = (at: number) => clock() - at < ttlMs;
  const remember = <T>(map: Map<string, { value: T; at: number }>, key: string, value: T) => {
    if (map.size >= MAX_ENTRIES) map.clear();
    map.set(key, { value, at: clock() });
    return value;
  };
  const forgetSessionsOf = (userId: string) => {
    for (const [key, entry] of sessions) if (entry.value?.userId === userId) sessions.delete(key);
  };
  const forgetUser = (userId: string) => {
    users.delete(userId);
    forgetSessionsOf(userId);
  };

  const cached = Object.create(store) as SessionCachedStore;
  cached.uncached = store;
  cached.getSession = async (id) => {
    const hit = sessions.get(id);
    if (hit && fresh(hit.at)) return hit.value;
    return remember(sessions, id, await store.getSession(id));
  };
  cached.findUserById = async (id) => {
    const hit = users.get(id);
    if (hit && fresh(hit.at)) return hit.value;
    return remember(users, id, await store.findUserById(id));
  };
  // Forgotten before the write and again after it: a read racing the write (MongoDB's are truly
  // concurrent) may have cached the old value meanwhile.
  const around = async <T>(forget: () => void, write: () => Promise<T>): Promise<T> => {
    forget();
    try {
      return await write();
    } finally {
      forget();
    }
  };
  cached.touchSession = (id, lastSeenAt, expiresAt) =>
    around(() => sessions.delete(id), () => store.touchSession(id, lastSeenAt, expiresAt));
  cached.deleteSession = (id) => around(() => sessions.delete(id), () => store.deleteSession(id));
  cached.deleteUserSessions = (userId) =>
    around(() => forgetSessionsOf(userId), () => store.deleteUserSessions(userId));
  cached.deleteOtherSessions = (userId, keep) =>
    around(() => forgetSessionsOf(userId), () => store.deleteOtherSessions(userId, keep));
  cached.updateUser = (id, patch) =>
    around(() => forgetUser(id), () => store.updateUser(id, patch));
  cached.demoteAdmin = (userId, at) =>
    around(() => forgetUser(userId), () => store.demoteAdmin(userId, at));
  cached.setPasswordHash = (userId, hash) =>
    around(() => forgetUser(userId), () => store.setPasswordHash(userId, hash));
  return cached;
}

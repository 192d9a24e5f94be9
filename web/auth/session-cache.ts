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
import { createTtlMap, forgetAround as around, readThrough } from "../store/ttl-map.ts";

/** The store with cached session and user reads, and the store it reads through. */
export type SessionCachedStore = Store & { uncached: Store };

/**
 * Wraps `store`: `getSession` and `findUserById` answer from memory for up to `ttlMs`; writes
 * that touch a session or a user go through and forget it. `clock` is monotonic milliseconds.
 */
export function cachingSessionReads(
  store: Store,
  ttlMs = 1000,
  clock: () => number = () => performance.now(),
): SessionCachedStore {
  const sessions = createTtlMap<Session | null>(ttlMs, clock);
  const users = createTtlMap<User | null>(ttlMs, clock);
  const forgetSessionsOf = (userId: string) =>
    sessions.deleteWhere((session) => session?.userId === userId);
  const forgetUser = (userId: string) => {
    users.delete(userId);
    forgetSessionsOf(userId);
  };

  const cached = Object.create(store) as SessionCachedStore;
  cached.uncached = store;
  cached.getSession = (id) => readThrough(sessions, id, () => store.getSession(id));
  cached.findUserById = (id) => readThrough(users, id, () => store.findUserById(id));
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

import { createHash } from "node:crypto";
import { encodeBase64Url } from "../http/base64.ts";
import type { SessionStore, User, UserStore } from "../store/mod.ts";

export const SESSION_COOKIE = "cf_session";

/** Sliding expiry is written at most this often, so busy pages do not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionService {
  /** Starts a session and returns the opaque token for the cookie. */
  start(userId: string): Promise<string>;
  /** The active user behind a cookie token, sliding its expiry; null when unknown or expired. */
  resolve(token: string): Promise<{ user: User; key: string } | null>;
  /** Ends a session server-side. */
  end(key: string): Promise<void>;
  /**
   * Whether the session behind `key` still stands (not ended, not expired, its user active):
   * what a long-lived connection asks to learn it must close. Does not slide the expiry.
   */
  stillValid(key: string): Promise<boolean>;
  ttlSeconds: number;
}

/**
 * Stores only a SHA-256 of the cookie token, so a copy of the database cannot be replayed as
 * sessions.
 */
export function sessionKey(token: string): Promise<string> {
  // node:crypto's hash is synchronous: Web Crypto's digest hops to a worker thread and back on
  // every request, which costs more than the hash itself (measured: `deno task bench:web`).
  return Promise.resolve(createHash("sha256").update(token).digest("hex"));
}

/**
 * Sessions kept in the store, with a sliding expiry of `ttlMinutes`. `live` is what `stillValid`
 * reads: the store itself, not a cache in front of it (see `session-cache.ts`).
 */
export function createSessionService(
  store: SessionStore & Pick<UserStore, "findUserById">,
  ttlMinutes: number,
  now: () => Date = () => new Date(),
  live: SessionStore & Pick<UserStore, "findUserById"> = store,
): SessionService {
  const ttlMs = ttlMinutes * 60_000;
  return {
    ttlSeconds: ttlMinutes * 60,
    async start(userId) {
      const token = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
      const at = now();
      await store.createSession({
        id: await sessionKey(token),
        userId,
        createdAt: at,
        lastSeenAt: at,
        expiresAt: new Date(at.getTime() + ttlMs),
      });
      return token;
    },
    async resolve(token) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
      const key = await sessionKey(token);
      const session = await store.getSession(key);
      const at = now();
      if (!session || session.expiresAt <= at) return null;
      const user = await store.findUserById(session.userId);
      if (!user || !user.isActive) return null;
      if (at.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
        await store.touchSession(key, at, new Date(at.getTime() + ttlMs));
      }
      return { user, key };
    },
    end: (key) => store.deleteSession(key),
    async stillValid(key) {
      const session = await live.getSession(key);
      if (!session || session.expiresAt <= now()) return false;
      return (await live.findUserById(session.userId))?.isActive === true;
    },
  };
}

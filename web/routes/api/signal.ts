import { Hono } from "hono";
import { upgradeWebSocket } from "hono/deno";
import type { AppEnv } from "../../http/env.ts";
import { requireUser } from "../../middleware/session.ts";
import { problem } from "../../../shared/http/problem.ts";
import type { CallService } from "../../calls/service.ts";
import type { Logger } from "../../log.ts";

const TAB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `GET /api/signal`: one WebSocket per tab. The session cookie authenticates it (the origin
 * guard has already refused foreign origins); every frame goes to the call service, which
 * validates it and decides what to relay.
 */
export function signalRoutes(
  deps: {
    calls: CallService;
    logger: Logger;
    sockets?: { opened(): void; closed(): void };
    /**
     * Whether the socket's session still stands, asked every `recheckMs`: a logout, a password
     * change, "sign out everywhere" or a deactivation closes the socket within that time, on
     * whichever instance holds it.
     */
    sessionValid: (key: string) => Promise<boolean>;
    recheckMs?: number;
    /** Sockets one user may hold on this instance (tabs and devices; default 10). */
    maxPerUser?: number;
  },
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Connection ids live on this instance only; a reused tab id (a duplicated browser tab copies
  // sessionStorage) gets a fresh one instead of stealing the other tab's calls.
  const live = new Set<string>();
  const perUser = new Map<string, number>();
  const release = (userId: string) => {
    const left = (perUser.get(userId) ?? 1) - 1;
    if (left > 0) perUser.set(userId, left);
    else perUser.delete(userId);
  };

  app.get(
    "/",
    requireUser,
    // Counted before the upgrade: one account cannot hold a thousand sockets (the probe's).
    // The slot is taken before the upgrade (so concurrent upgrades cannot all pass the count)
    // and given back when the socket closes, or at once when no socket came of it.
    async (c, next) => {
      const userId = c.get("user")!.id;
      if ((perUser.get(userId) ?? 0) >= (deps.maxPerUser ?? 10)) {
        throw problem(429, "Too many CareFlow tabs are open for this account. Close one.");
      }
      perUser.set(userId, (perUser.get(userId) ?? 0) + 1);
      let upgraded = false;
      try {
        await next();
        upgraded = c.res.status === 101;
      } finally {
        if (!upgraded) release(userId);
      }
    },
    upgradeWebSocket((c) => {
      const user = c.get("user")!;
      const requested = c.req.query("tab") ?? "";
      // Namespaced by user, so knowing another person's tab id never lets anyone take it over,
      // on this instance or another.
      const wanted = `${user.id}.${requested}`;
      const connectionId = TAB_ID.test(requested) && !live.has(wanted)
        ? wanted
        : `${user.id}.${crypto.randomUUID()}`;
      const callUser = { userId: user.id, care4wId: user.care4wId, displayName: user.displayName };
      const sessionKey = c.get("sessionKey")!;
      let recheck: ReturnType<typeof setInterval> | undefined;
      return {
        onOpen(_event, socket) {
          live.add(connectionId);
          deps.sockets?.opened();
          recheck = setInterval(() => {
            deps.sessionValid(sessionKey).then((valid) => {
              // 4401: the app's "signed out" close code (4000-4999 are the application's).
              if (!valid) socket.close(4401, "signed out");
            }, () => {});
          }, deps.recheckMs ?? 1000);
          const send = (frame: unknown) => {
            if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
          };
          deps.calls.connect(callUser, connectionId, send).catch(() => {
            deps.logger.warn("signal connect failed", { userId: user.id });
            socket.close(1011, "signaling unavailable");
          });
        },
        onMessage(event) {
          const data = typeof event.data === "string" ? event.data : "";
          void deps.calls.receive(connectionId, data);
        },
        onClose() {
          clearInterval(recheck);
          live.delete(connectionId);
          release(user.id);
          deps.sockets?.closed();
          void deps.calls.disconnect(connectionId);
        },
      };
    }),
  );
  return app;
}

import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { requireUser } from "../../middleware/session.ts";
import { problem } from "../../../shared/http/problem.ts";
import type { CallService } from "../../calls/service.ts";
import type { Logger } from "../../log.ts";
import { clientAddress } from "../../middleware/rate-limit.ts";
import { upgradeAccepted, upgradeWebSocket } from "../../http/websocket.ts";

/** The largest signaling frame: an SDP offer with its candidates is a few KB. */
const MAX_FRAME_BYTES = 64 * 1024;

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
    /** Sockets one client address may hold on this instance (default 50: a care home's NAT). */
    maxPerSource?: number;
    /** Proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES). */
    trustedProxies?: readonly string[];
    /** Seconds a socket may leave a ping unanswered before it is closed (default 30). */
    idleSeconds?: number;
  },
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Connection ids live on this instance only; a reused tab id (a duplicated browser tab copies
  // sessionStorage) gets a fresh one instead of stealing the other tab's calls.
  const live = new Set<string>();
  const perUser = createSlots(deps.maxPerUser ?? 10);
  const perSource = createSlots(deps.maxPerSource ?? 50);

  app.get(
    "/",
    requireUser,
    // Counted before the upgrade: one account (or one address, whoever is signed in there)
    // cannot hold a thousand sockets (the probe's). A slot is taken before the upgrade (so
    // concurrent upgrades cannot all pass the count) and given back when the socket closes, or
    // at once when no socket came of it.
    async (c, next) => {
      const userId = c.get("user")!.id;
      const source = clientAddress(c, deps.trustedProxies ?? []);
      if (!perUser.take(userId)) {
        throw problem(429, "Too many CareFlow tabs are open for this account. Close one.");
      }
      if (!perSource.take(source)) {
        perUser.release(userId);
        throw problem(429, "Too many CareFlow connections come from this address.");
      }
      let upgraded = false;
      try {
        await next();
        upgraded = upgradeAccepted(c);
      } finally {
        if (!upgraded) {
          perUser.release(userId);
          perSource.release(source);
        }
      }
    },
    upgradeWebSocket((c) => {
      // The same address the slot was taken for (it comes from the same connection).
      const source = clientAddress(c, deps.trustedProxies ?? []);
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
      let opened = false;
      return {
        onOpen(_event, socket) {
          opened = true;
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
          // `resume=1`: the page still holds a call (a reconnect); without it, a reload.
          const resuming = c.req.query("resume") === "1";
          deps.calls.connect(callUser, connectionId, send, resuming).catch(() => {
            deps.logger.warn("signal connect failed", { userId: user.id });
            socket.close(1011, "signaling unavailable");
          });
        },
        onMessage(event, socket) {
          // Served by `serveWeb`, bigger frames never get here (refused at their header); served
          // by `Deno.serve`, they arrive whole and close the socket here.
          if (typeof event.data !== "string" || event.data.length > MAX_FRAME_BYTES) {
            socket.close(1009, "frame too large or not text");
            return;
          }
          void deps.calls.receive(connectionId, event.data);
        },
        onClose() {
          perUser.release(user.id);
          perSource.release(source);
          // A handshake that failed opened nothing: the id may be another tab's by now.
          if (!opened) return;
          clearInterval(recheck);
          live.delete(connectionId);
          deps.sockets?.closed();
          void deps.calls.disconnect(connectionId);
        },
      };
    }, { idleTimeout: deps.idleSeconds ?? 30, maxPayload: MAX_FRAME_BYTES }),
  );
  return app;
}

/** Counted places per key: `take` is false once `limit` are held. */
function createSlots(limit: number) {
  const held = new Map<string, number>();
  return {
    take(key: string): boolean {
      const count = held.get(key) ?? 0;
      if (count >= limit) return false;
      held.set(key, count + 1);
      return true;
    },
    release(key: string): void {
      const left = (held.get(key) ?? 1) - 1;
      if (left > 0) held.set(key, left);
      else held.delete(key);
    },
  };
}

/**
 * WebSockets for routes served by `serveWeb` (node:http): Hono's `upgradeWebSocket` shape, with
 * the two things Deno's own `upgradeWebSocket` cannot do. A frame whose header announces more
 * than `maxPayload` closes the socket (1009) before any of it is read, where Deno takes frames of
 * up to 64 MiB whole (issue 13: ten 48 MB frames cost 1 GB); and the route's answer to the
 * upgrade request is a real response (a 401 or 429 with its problem body) until it accepts.
 *
 * The route accepts by answering through this helper; `serveWeb` then completes the handshake
 * with `ws`. (`@hono/node-ws` does the same but takes no payload limit, which is the point here.)
 */
import { type IncomingMessage, STATUS_CODES } from "node:http";
import { nextTick } from "node:process";
import type { Duplex } from "node:stream";
import type { Context } from "hono";
import { defineWebSocketHelper, WSContext, type WSEvents } from "hono/ws";
import { upgradeWebSocket as upgradeOnDeno } from "hono/deno";
// @deno-types="npm:@types/ws@8.18.1"
import { type WebSocket, WebSocketServer } from "ws";

/** What a route asks of its sockets. */
export interface SocketOptions {
  /** The largest frame, in bytes; a bigger one is refused at its header (1009). */
  maxPayload: number;
  /** Seconds a socket may leave the server's ping unanswered before it is dropped. */
  idleTimeout: number;
}

const ACCEPTED = Symbol("careflow.websocket.accepted");

/** The env `@hono/node-server` gives a request, and the upgrade a route accepted. */
interface NodeEnv {
  incoming?: IncomingMessage;
  [ACCEPTED]?: { events: WSEvents<WebSocket>; options: SocketOptions };
}

/**
 * The route's side: answers an upgrade request (`Upgrade: websocket`) with 200 and marks it
 * accepted; any other request goes on to `next`. Served by `Deno.serve`, it is Deno's upgrade;
 * a request that neither can upgrade (in-memory `app.request`) gets 426.
 */
export const upgradeWebSocket = defineWebSocketHelper<WebSocket, SocketOptions>(
  async (c, events, options) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return;
    const env = c.env as NodeEnv | undefined;
    if (env?.incoming && options) {
      env[ACCEPTED] = { events, options };
      return c.body(null, 200);
    }
    // Served by `Deno.serve` (an edge host without node:http): Deno's own upgrade, whose frames
    // arrive whole (up to 64 MiB), so the route's `onMessage` must still check their size.
    try {
      return await upgradeOnDeno(c, events as WSEvents<unknown>, {
        idleTimeout: options?.idleTimeout,
      });
    } catch {
      return c.body(null, 426);
    }
  },
);

/** Whether the route accepted this request's upgrade (its slots are then the socket's). */
export function upgradeAccepted(c: Context): boolean {
  return Boolean((c.env as NodeEnv | undefined)?.[ACCEPTED]) || c.res.status === 101;
}

/**
 * The server's side: after the app answered `request`, completes the handshake the route
 * accepted, or sends the app's answer and closes. Every accepted upgrade ends in the route's
 * `onClose`, also when the handshake itself fails.
 */
export function createSocketUpgrades() {
  const servers = new Map<number, WebSocketServer>();
  const open = new Set<WebSocket>();
  const serverFor = (maxPayload: number) => {
    let server = servers.get(maxPayload);
    if (!server) {
      // No compression: a small deflated frame must not inflate past the limit.
      server = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });
      servers.set(maxPayload, server);
    }
    return server;
  };
  return {
    /** Hands the upgraded `socket` to the route, or writes `response` on it. */
    complete(
      env: NodeEnv,
      request: IncomingMessage,
      socket: Duplex,
      head: Buffer,
      response: Response,
    ): Promise<void> | void {
      const accepted = env[ACCEPTED];
      if (!accepted || response.status !== 200) return refuse(socket, response);
      const { events, options } = accepted;
      let handed = false;
      socket.once("close", () => {
        if (!handed) events.onClose?.(new CloseEvent("close", { code: 1006 }), contextOf());
      });
      serverFor(options.maxPayload).handleUpgrade(request, socket, head, (ws) => {
        handed = true;
        open.add(ws);
        ws.once("close", () => open.delete(ws));
        wire(ws, events, options, request, socket);
      });
    },
    /** Closes every open socket with 1001 (going away), as a restart or deploy does. */
    closeAll(): void {
      for (const ws of open) {
        ws.close(1001, "server restarting");
        // A peer that never answers the close is cut off.
        const cutOff = setTimeout(() => ws.terminate(), 1000);
        ws.once("close", () => clearTimeout(cutOff));
      }
    },
  };
}

/** Writes the app's answer to an upgrade it did not accept, then closes the connection. */
async function refuse(socket: Duplex, response: Response): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  const reason = response.statusText || STATUS_CODES[response.status] || "Refused";
  const lines = [`HTTP/1.1 ${response.status} ${reason}`];
  response.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "transfer-encoding") lines.push(`${name}: ${value}`);
  });
  lines.push(`content-length: ${body.byteLength}`, "connection: close", "", "");
  socket.write(lines.join("\r\n"));
  socket.end(body);
}

function contextOf(ws?: WebSocket, request?: IncomingMessage): WSContext<WebSocket> {
  return new WSContext<WebSocket>({
    raw: ws,
    url: request?.url ? new URL(request.url, "http://localhost") : null,
    protocol: ws?.protocol ?? null,
    get readyState() {
      return (ws?.readyState ?? 3) as 0 | 1 | 2 | 3;
    },
    send: (data) => ws?.send(data),
    close: (code, reason) => ws?.close(code, reason),
  });
}

function wire(
  ws: WebSocket,
  events: WSEvents<WebSocket>,
  options: SocketOptions,
  request: IncomingMessage,
  socket: Duplex,
): void {
  const context = contextOf(ws, request);
  // A socket that misses a whole ping period is gone (a dead NAT, a silent attacker).
  let answered = true;
  ws.on("pong", () => (answered = true));
  const pinger = setInterval(() => {
    // Closing already: a ping now would throw, and the close ends this timer.
    if (ws.readyState !== ws.OPEN) return;
    if (!answered) return ws.terminate();
    answered = false;
    ws.ping();
  }, options.idleTimeout * 1000);
  ws.on("message", (data, isBinary) => {
    const payload = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
      ? data
      : Buffer.from(data);
    const message = isBinary ? new Uint8Array(payload).buffer : payload.toString("utf8");
    events.onMessage?.(new MessageEvent("message", { data: message }), context);
  });
  ws.on("error", () => {
    // ws answers a bad frame (one too large) with its close frame, then reads on, discarding,
    // until the peer closes too: a peer streaming its 48 MB would still be read. Once ws has
    // queued that (it resumes the socket on the next tick), stop reading, send the close frame
    // and hang up.
    nextTick(() => {
      socket.pause();
      socket.end();
      const cutOff = setTimeout(() => socket.destroy(), 1000);
      socket.once("close", () => clearTimeout(cutOff));
    });
    events.onError?.(new Event("error"), context);
  });
  ws.on("close", (code, reason) => {
    clearInterval(pinger);
    events.onClose?.(new CloseEvent("close", { code, reason: reason.toString() }), context);
  });
  events.onOpen?.(new Event("open"), context);
}

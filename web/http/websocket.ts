/**
 * WebSockets for routes served by `serveWeb` (node:http): Hono's `upgradeWebSocket` shape, with
 * the two things Deno's own `upgradeWebSocket` cannot do. A frame whose header announces more
 * than `maxPayload` closes the socket (1009) before any of it is read, where Deno takes frames of
 * up to 64 MiB whole (issue 13: ten 48 MB frames cost 1 GB); and the route's answer to the
 * upgrade request is a real response (a 401 or 429 with its problem body) until it accepts.
 *
 * The route accepts by answering through this helper; `createSocketUpgrades` (node:http's
 * upgrade event, wired by `serveWeb`) then completes the handshake with `ws`. (`@hono/node-ws` does the same but takes no payload limit, which is the point here.)
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
const UPGRADING = Symbol("careflow.websocket.upgrading");

/** The env `@hono/node-server` gives a request, and the upgrade a route accepted. */
interface NodeEnv {
  incoming?: IncomingMessage;
  /** Set only on requests node:http's `upgrade` event brought (`createSocketUpgrades`). */
  [UPGRADING]?: true;
  [ACCEPTED]?: { events: WSEvents<WebSocket>; options: SocketOptions };
}

/**
 * The route's side: answers an upgrade request (`Upgrade: websocket`) with 200 and marks it
 * accepted; any other request goes on to `next`. Served by `Deno.serve`, it is Deno's upgrade;
 * a request that neither can upgrade (a plain node:http request, in-memory `app.request`) gets
 * 426.
 */
export const upgradeWebSocket = defineWebSocketHelper<WebSocket, SocketOptions>(
  async (c, events, options) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return;
    const env = c.env as NodeEnv | undefined;
    if (env?.[UPGRADING] && options) {
      env[ACCEPTED] = { events, options };
      return c.body(null, 200);
    }
    // node:http, but not through its upgrade event (no `Connection: Upgrade`): no socket can
    // come of it, so nothing may be held for one.
    if (env?.incoming) return c.body(null, 426);
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
 * node:http's `upgrade` event for `app`: the app answers the request first (its guards, session
 * and limits all run); the handshake a route accepted is completed with `ws`, anything else gets
 * the app's answer and the connection closes. Every accepted upgrade ends in the route's
 * `onClose`, however the handshake ends.
 */
export function createSocketUpgrades(app: FetchApp) {
  const servers = new Map<number, WebSocketServer>();
  const open = new Set<WebSocket>();
  let closing = false;
  const serverFor = (maxPayload: number) => {
    let server = servers.get(maxPayload);
    if (!server) {
      // No compression: a small deflated frame must not inflate past the limit.
      server = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });
      servers.set(maxPayload, server);
    }
    return server;
  };
  const complete = (env: NodeEnv, request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { events, options } = env[ACCEPTED]!;
    let handed = false;
    const abandoned = () => {
      if (!handed) endUnopened(events);
    };
    // Gone while the app answered (a reset): ws would never call back.
    if (socket.destroyed || !socket.readable || !socket.writable) {
      socket.destroy();
      return abandoned();
    }
    socket.once("close", abandoned);
    serverFor(options.maxPayload).handleUpgrade(request, socket, head, (ws) => {
      handed = true;
      open.add(ws);
      ws.once("close", () => open.delete(ws));
      wire(ws, events, options, request, socket);
    });
  };
  return {
    async handle(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
      socket.on("error", () => socket.destroy());
      // Path-form targets only, as browsers send: the URL's host is then the Host header's.
      const url = request.url?.startsWith("/") ? requestUrl(request) : null;
      if (!url || closing) {
        const status = url ? 503 : 400;
        socket.end(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\n` +
            "content-length: 0\r\n\r\n",
        );
        return;
      }
      const env: NodeEnv = { incoming: request, [UPGRADING]: true };
      let response: Response;
      try {
        // Its own method: the app judges a POST that asks to upgrade as the POST it is.
        const asked = new Request(url, { method: request.method, headers: headersOf(request) });
        response = await app.fetch(asked, env);
      } catch {
        return void socket.destroy();
      }
      if (env[ACCEPTED] && response.status === 200 && !closing) {
        return complete(env, request, socket, head);
      }
      // Accepted, then undone (a later middleware failed, or shutdown began): nothing opens.
      if (env[ACCEPTED]) endUnopened(env[ACCEPTED].events);
      await refuse(socket, response, request.method === "HEAD");
    },
    /** Closes every open socket with 1001 (going away), as a restart or deploy does. */
    closeAll(): void {
      closing = true;
      for (const ws of open) {
        ws.close(1001, "server restarting");
        // A peer that never answers the close is cut off.
        const cutOff = setTimeout(() => ws.terminate(), 1000);
        ws.once("close", () => clearTimeout(cutOff));
      }
    },
  };
}

/** What `serveWeb` serves: a Hono app, or a stand-in's bare handler in tests. */
export interface FetchApp {
  fetch(request: Request, env: unknown): Response | Promise<Response>;
}

/**
 * Writes the app's answer to an upgrade it did not accept, then closes the connection. The
 * body streams as the peer takes it and stops when the peer goes (it may be a recording).
 */
async function refuse(socket: Duplex, response: Response, headOnly: boolean): Promise<void> {
  const reason = response.statusText || STATUS_CODES[response.status] || "Refused";
  const lines = [`HTTP/1.1 ${response.status} ${reason}`];
  response.headers.forEach((value, name) => {
    if (name !== "transfer-encoding" && name !== "connection") lines.push(`${name}: ${value}`);
  });
  lines.push("connection: close", "", "");
  socket.write(lines.join("\r\n"));
  const body = headOnly ? null : response.body;
  if (!body) return void socket.end();
  const reader = body.getReader();
  const gone = new Promise<void>((resolve) => socket.once("close", resolve));
  try {
    while (!socket.destroyed) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!socket.write(value)) {
        await Promise.race([new Promise((resolve) => socket.once("drain", resolve)), gone]);
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
    socket.end();
  }
}

/** The upgrade request's URL, from its Host as `@hono/node-server` builds it; null if malformed. */
function requestUrl(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? "/", `http://${request.headers.host ?? "localhost"}`);
  } catch {
    return null;
  }
}

function headersOf(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    try {
      headers.append(request.rawHeaders[i], request.rawHeaders[i + 1]);
    } catch { /* a header the Fetch API refuses is not one the route reads */ }
  }
  return headers;
}

/** Tells a route whose accepted upgrade never became a socket that it is over (1006). */
function endUnopened(events: WSEvents<WebSocket>): void {
  events.onClose?.(new CloseEvent("close", { code: 1006 }), contextOf());
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
    // ws's default binaryType ("nodebuffer"): every message is one Buffer.
    const payload = data as Buffer;
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

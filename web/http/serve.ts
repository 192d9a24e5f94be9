/**
 * Serves the web app on node:http (through `@hono/node-server`) rather than `Deno.serve`: only
 * there can a WebSocket's frames be refused at their header (`./websocket.ts`). Measured side by
 * side (`deno task bench:web`): a bare route answers 0.6× as often as on `Deno.serve`, about
 * 11 µs more a request, against the lookup's 150.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import { createSocketUpgrades } from "./websocket.ts";

/** A listening web server. */
export interface ServedWeb {
  hostname: string;
  port: number;
  /** Stops taking connections, closes open sockets (1001) and waits for the rest to finish. */
  shutdown(): Promise<void>;
}

/** What `serveWeb` serves: a Hono app, or a stand-in's bare handler in tests. */
export interface FetchApp {
  fetch(request: Request, env: unknown): Response | Promise<Response>;
}

/**
 * Listens on `hostname:port` (0: any free port) with `app` answering every request, upgrades
 * included. Resolves once listening.
 */
export function serveWeb(app: FetchApp, at: { hostname: string; port: number }) {
  const upgrades = createSocketUpgrades();
  // @hono/node-server's own lighter Request and Response replace the global ones in this
  // process: its fast path (measured: 1.7× the bare route's throughput with them kept apart).
  // `Deno.serve` refuses such a Response, so a process serving here serves nothing with it.
  const server = createServer(getRequestListener(app.fetch));
  server.on("upgrade", async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const url = requestUrl(request);
    if (!url) {
      socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    const env = { incoming: request, outgoing: undefined };
    try {
      // Its own method: the app judges a POST that asks to upgrade as the POST it is.
      const asked = new Request(url, { method: request.method, headers: headersOf(request) });
      const response = await app.fetch(asked, env);
      await upgrades.complete(env, request, socket, head, response);
    } catch {
      socket.destroy();
    }
  });
  return new Promise<ServedWeb>((resolve, reject) => {
    server.once("error", reject);
    server.listen(at.port, at.hostname, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : at.port;
      resolve({
        hostname: at.hostname,
        port,
        shutdown() {
          upgrades.closeAll();
          const closed = new Promise<void>((done) => server.close(() => done()));
          server.closeIdleConnections();
          return closed;
        },
      });
    });
  });
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

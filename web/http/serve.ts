/**
 * Serves the web app on node:http (through `@hono/node-server`) rather than `Deno.serve`: only
 * there can a WebSocket's frames be refused at their header (`./websocket.ts`). Measured side by
 * side (`deno task bench:web`), it costs a few µs a request against the app's own work.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import { createSocketUpgrades } from "./websocket.ts";

/** A listening web server. */
export interface ServedWeb {
  hostname: string;
  port: number;
  /** Stops taking connections, closes open sockets (1001) and waits for the rest to finish. */
  shutdown(): Promise<void>;
}

/**
 * Listens on `hostname:port` (0: any free port) with `app` answering every request, upgrades
 * included. Resolves once listening.
 */
// deno-lint-ignore no-explicit-any
export function serveWeb(app: Hono<any>, at: { hostname: string; port: number }) {
  const upgrades = createSocketUpgrades();
  // Its own lighter Request and Response stay inside it (Deno.serve, the tests' stand-ins,
  // refuses a Response not made by the global constructor). A request with a body becomes a real
  // Request, which middleware may re-wrap (Hono's body limit does); a GET stays light.
  const fetch = (request: Request, env: unknown) =>
    app.fetch(
      request.method === "GET" || request.method === "HEAD" ? request : new Request(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
        duplex: "half",
      } as RequestInit),
      env,
    );
  const server = createServer(getRequestListener(fetch, { overrideGlobalObjects: false }));
  server.on("upgrade", async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const url = requestUrl(request);
    if (!url) {
      socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    const env = { incoming: request, outgoing: undefined };
    try {
      const response = await app.fetch(new Request(url, { headers: headersOf(request) }), env);
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

/**
 * Serves the web app on node:http (through `@hono/node-server`) rather than `Deno.serve`: only
 * there can a WebSocket's frames be refused at their header (`./websocket.ts`). Measured side by
 * side (`deno task bench:web`): a bare route answers 0.6× as often as on `Deno.serve`, about
 * 11 µs more a request, against the lookup's 150.
 */
import { createServer } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { createSocketUpgrades, type FetchApp } from "./websocket.ts";

export type { FetchApp };

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
export function serveWeb(app: FetchApp, at: { hostname: string; port: number }) {
  const upgrades = createSocketUpgrades(app);
  // @hono/node-server's own lighter Request and Response replace the global ones in this
  // process: its fast path (measured: 1.7× the bare route's throughput with them kept apart).
  // `Deno.serve` refuses such a Response, so a process serving here serves nothing with it.
  const server = createServer(
    // Only WebSocket upgrades leave the ordinary path (an `Upgrade: h2c` GET is a GET).
    { shouldUpgradeCallback: (request) => request.headers.upgrade?.toLowerCase() === "websocket" },
    getRequestListener(app.fetch),
  );
  server.on("upgrade", upgrades.handle);
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

/**
 * An echo WebSocket route served by `serveWeb` in a process of its own, so a test can watch the
 * server's memory apart from its clients'. Prints its port, then serves until killed.
 * `deno` as the argument serves it with `Deno.serve` instead (to compare).
 */
import { Hono } from "hono";
import { serveWeb } from "../serve.ts";
import { upgradeWebSocket } from "../websocket.ts";

const app = new Hono().get(
  "/ws",
  upgradeWebSocket(() => ({ onMessage: (event, socket) => socket.send(`echo ${event.data}`) }), {
    maxPayload: 64 * 1024,
    idleTimeout: 30,
  }),
);
const port = Deno.args[0] === "deno"
  ? Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch).addr.port
  : (await serveWeb(app, { hostname: "127.0.0.1", port: 0 })).port;
console.log(port);

/**
 * The bare Hono route on `Deno.serve`, the runtime's floor, in a process of its own: a process
 * serving on node:http (web's) has replaced the global Response, which `Deno.serve` refuses.
 * Prints its URL, then serves until killed.
 */
import { Hono } from "hono";

const bare = new Hono().get("/hello", (c) => c.json({ exists: true, displayName: "Ann" }));
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, bare.fetch);
console.log(`http://127.0.0.1:${server.addr.port}`);
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));

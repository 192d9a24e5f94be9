/**
 * The servers the web throughput benchmark loads, in one process: the real web app on its
 * embedded defaults, served as `web/main.ts` serves it (a user signed up, their session cookie
 * printed), and a bare Hono route beside it on the same node:http server code (`bare.ts` has the
 * one on `Deno.serve`). Prints one JSON line with both URLs and the cookie, then serves until
 * killed.
 */
import { Hono } from "hono";
import { loadConfig } from "../../web/config.ts";
import { signUpBenchUsers } from "../users.ts";
import { openBenchWeb } from "../web.ts";
import { serveWeb } from "../../web/http/serve.ts";

const dataDir = await Deno.makeTempDir({ prefix: "careflow-bench-web-" });
// The benchmark is one user looking up as fast as it can: the per-user limit is lifted for it.
const config = loadConfig({
  SIGNUP: "open",
  DATA_DIR: dataDir,
  LOG_LEVEL: Deno.env.get("LOG_LEVEL") ?? "info",
  LOOKUPS_PER_MINUTE: "10000000",
});
const web = await openBenchWeb(config);
// Served as production serves it (node:http, for the WebSockets' frame limit).
const app = await serveWeb(web.app, { hostname: "127.0.0.1", port: 0 });
const bare = new Hono().get("/hello", (c) => c.json({ exists: true, displayName: "Ann" }));
const plainNode = await serveWeb(bare, { hostname: "127.0.0.1", port: 0 });

const url = `http://127.0.0.1:${app.port}`;
// care4w-1000001, the one the benchmark looks up (and looks up with).
const [{ cookie }] = await signUpBenchUsers(web.app, 1);
console.log(JSON.stringify({
  url,
  bareNode: `http://127.0.0.1:${plainNode.port}`,
  cookie,
}));
// A clean exit on SIGTERM, so `--cpu-prof` writes its profile.
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));

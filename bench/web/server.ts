/**
 * The two servers the web throughput benchmark loads, in one process on one runtime: the real web
 * app on its embedded defaults (a user signed up, their session cookie printed), and a bare Hono
 * route beside it. Prints one JSON line with both URLs and the cookie, then serves until killed.
 */
import { Hono } from "hono";
import { loadConfig } from "../../web/config.ts";
import { signUpBenchUsers } from "../users.ts";
import { openBenchWeb } from "../web.ts";

const dataDir = await Deno.makeTempDir({ prefix: "careflow-bench-web-" });
// The benchmark is one user looking up as fast as it can: the per-user limit is lifted for it.
const config = loadConfig({
  SIGNUP: "open",
  DATA_DIR: dataDir,
  LOG_LEVEL: Deno.env.get("LOG_LEVEL") ?? "info",
  LOOKUPS_PER_MINUTE: "10000000",
});
const web = await openBenchWeb(config);
const app = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, web.app.fetch);
const bare = new Hono().get("/hello", (c) => c.json({ exists: true, displayName: "Ann" }));
const plain = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, bare.fetch);

const url = `http://127.0.0.1:${app.addr.port}`;
// care4w-1000001, the one the benchmark looks up (and looks up with).
const [{ cookie }] = await signUpBenchUsers(web.app, 1);
console.log(JSON.stringify({ url, bare: `http://127.0.0.1:${plain.addr.port}`, cookie }));
// A clean exit on SIGTERM, so `--cpu-prof` writes its profile.
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));

/**
 * The process the recordings benchmark measures: a real CareFlow web server on its embedded
 * defaults (SQLite, the encrypted local recordings folder, key generated into DATA_DIR) in `sip`
 * mode so `/internal/events` is open, and beside it a bare sink that drains request bodies
 * (`/drain`: the loopback ceiling) or writes them as they come, unencrypted, to a file in the same
 * folder, synced (`/file`: the disk's ceiling): what CareFlow's upload rate is compared with.
 * `/memory` reports the process's own memory figures. Only the agent is a stand-in (provisioning pushes are not what is measured).
 *
 * Prints one JSON line (`ServerReady`) when listening, then serves until SIGTERM. (Not until stdin
 * closes: Deno reads a piped stdin on the main thread, which would stall every request.)
 */
import { loadConfig } from "../../web/config.ts";
import { openBenchWeb } from "../web.ts";
import { SIP_TEST_ENV, SIP_TEST_SECRETS } from "../../web/testing/app.ts";
import { type BenchUser, signUpBenchUsers } from "../users.ts";
import { serveWeb } from "../../web/http/serve.ts";

/** What the driver needs to talk to this process. */
export interface ServerReady {
  webUrl: string;
  sinkUrl: string;
  internalSecret: string;
  users: BenchUser[];
}

const users = Number(Deno.args[0] ?? "10");
const dataDir = await Deno.makeTempDir({ prefix: "careflow-bench-recordings-" });
const config = loadConfig({
  ...SIP_TEST_ENV,
  SIGNUP: "open",
  DATA_DIR: dataDir,
  LOG_LEVEL: "error",
  // Many bench users sign up from one address, and ring each other all the time.
  SIGNUPS_PER_HOUR: "1000000",
  RINGS_PER_CALLEE_PER_MINUTE: "10000",
  RECORDING_QUOTA_MB: "100000",
});
const web = await openBenchWeb(config);
// Both on web's own server, so they differ only in what they do with the bytes.
const server = await serveWeb(web.app, { hostname: "127.0.0.1", port: 0 });
const sink = await serveWeb({ fetch: sinkAnswer }, { hostname: "127.0.0.1", port: 0 });
async function sinkAnswer(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === "/memory") return Response.json(Deno.memoryUsage());
  const toFile = pathname === "/file";
  const path = `${dataDir}/sink-${crypto.randomUUID()}`;
  const file = toFile ? await Deno.open(path, { write: true, createNew: true }) : undefined;
  let bytes = 0;
  for await (const chunk of request.body ?? []) {
    bytes += chunk.byteLength;
    if (file) {
      for (let at = 0; at < chunk.byteLength;) at += await file.write(chunk.subarray(at));
    }
  }
  if (file) {
    await file.sync();
    file.close();
    await Deno.remove(path);
  }
  return Response.json({ bytes });
}

const ready: ServerReady = {
  webUrl: `http://127.0.0.1:${server.port}`,
  sinkUrl: `http://127.0.0.1:${sink.port}`,
  internalSecret: SIP_TEST_SECRETS.internal,
  users: await signUpBenchUsers(web.app, users),
};
console.log(JSON.stringify(ready));

await new Promise<void>((resolve) => Deno.addSignalListener("SIGTERM", resolve));
await sink.shutdown();
await web.close(() => server.shutdown());
await Deno.remove(dataDir, { recursive: true });

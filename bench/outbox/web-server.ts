/**
 * The real CareFlow web app as its own process, for the outbox benchmark and the agent's kill
 * tests (`agent/src/outbox/kill.test.ts`): embedded defaults (SQLite in DATA_DIR, so a restart on
 * the same folder keeps what was stored), `sip` mode from the web test kit's `SIP_TEST_ENV`, so
 * `/internal/events` is open to requests signed with `SIP_TEST_SECRETS.internal`. Only web's
 * client of the agent is a stand-in (its provisioning pushes are not what is measured), and
 * argon2 is cheap so signing users up is quick.
 *
 *   deno run -A bench/outbox/web-server.ts <port> <dataDir>
 *
 * Prints one JSON line `{"ready": true, "url", "internalSecret"}` once listening; serves until
 * SIGTERM (a clean stop) or SIGKILL (the kill tests).
 */
import { argon2Hasher } from "../../web/auth/passwords.ts";
import { openWeb } from "../../web/compose.ts";
import { loadConfig } from "../../web/config.ts";
import { SIP_TEST_ENV, SIP_TEST_SECRETS } from "../../web/testing/app.ts";
import { createRecordingAgent } from "../../web/testing/recording-agent.ts";
import { serveWeb } from "../../web/http/serve.ts";

const [port, dataDir] = Deno.args;
if (!port || !dataDir) {
  console.error("usage: web-server.ts <port> <dataDir>");
  Deno.exit(2);
}
const config = loadConfig({
  ...SIP_TEST_ENV,
  SIGNUP: "open",
  HOST: "127.0.0.1",
  // Many bench users sign up from one address, and ring each other all the time.
  SIGNUPS_PER_HOUR: "1000000",
  RINGS_PER_CALLEE_PER_MINUTE: "10000",
  PORT: port,
  DATA_DIR: dataDir,
  LOG_LEVEL: "error",
});
const web = await openWeb(config, {
  agent: createRecordingAgent(),
  sweep: false,
  manifest: () => ({ boot: "", styles: "", islands: {} }),
  passwords: argon2Hasher({ memoryCost: 1024 }),
});
const server = await serveWeb(web.app, { hostname: "127.0.0.1", port: config.port });
console.log(JSON.stringify({
  ready: true,
  url: `http://127.0.0.1:${server.port}`,
  internalSecret: SIP_TEST_SECRETS.internal,
}));
Deno.addSignalListener("SIGTERM", async () => {
  await web.close(() => server.shutdown());
  Deno.exit(0);
});

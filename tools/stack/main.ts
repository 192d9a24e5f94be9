/**
 * `deno task stack`: the local SIP stack on loopback: redis, rtpengine, agent, kamailio and the
 * web app in `sip` mode (`--no-web` leaves web out), with HAProxy in front of Kamailio's TCP and
 * WebSocket ports as in production. Installs what it needs first (Bun from npm,
 * the Debian packages as root), as the test command does. Stops everything on Ctrl-C or SIGTERM.
 *
 * Flags (all optional): --no-web, --domain=careflow.local, --sip=5060, --ws=8080, --rpc=5071,
 * --redis=6390, --agent=7070, --ng=2223, --evapi=5072, --rtp=30000-33999, --web-port=8000,
 * --dir=<log dir>, --keep-logs (keep the temp log dir after stopping).
 * RTPEngine takes four ports per relayed call (two per side, RTP and RTCP), so the default range
 * of 4,000 carries the seed's 1,000 calls at once (Kamailio's MAX_CALLS); a call RTPEngine has no
 * ports for is refused with 503.
 * DATA_DIR, when set, is web's data directory (its SQLite file and recordings), kept across runs.
 * Secrets come from SIP_CREDENTIAL_SECRET / INTERNAL_API_SECRET / SIP_PASSWORD_KEY, random ones
 * otherwise; RING_TIMEOUT_SECONDS sets how long calls ring, in Kamailio and web alike.
 */
import { parseArgs } from "node:util";
import { ensurePackages } from "../system-packages.ts";
import { ensureBun } from "../toolchain.ts";
import { startStack } from "./stack.ts";

const { values } = parseArgs({
  args: Deno.args,
  allowNegative: true,
  options: {
    web: { type: "boolean", default: true },
    domain: { type: "string", default: "careflow.local" },
    sip: { type: "string", default: "5060" },
    ws: { type: "string", default: "8080" },
    rpc: { type: "string", default: "5071" },
    redis: { type: "string", default: "6390" },
    agent: { type: "string", default: "7070" },
    ng: { type: "string", default: "2223" },
    evapi: { type: "string", default: "5072" },
    rtp: { type: "string", default: "30000-33999" },
    "web-port": { type: "string", default: "8000" },
    dir: { type: "string" },
    "keep-logs": { type: "boolean", default: false },
  },
});

const missing = await ensurePackages();
if (missing.length > 0) {
  console.error(`cannot start the stack without: ${missing.join(", ")}`);
  Deno.exit(1);
}
// The agent runs on Bun; the pinned one is installed from npm when missing.
Deno.env.set("PATH", await ensureBun());

const [rtpMin, rtpMax] = values.rtp.split("-").map(Number);
const stack = await startStack({
  verbose: true,
  web: values.web,
  sipDomain: values.domain,
  workDir: values.dir,
  keepLogs: values["keep-logs"],
  webDataDir: Deno.env.get("DATA_DIR") || undefined,
  sipCredentialSecret: Deno.env.get("SIP_CREDENTIAL_SECRET") || undefined,
  internalApiSecret: Deno.env.get("INTERNAL_API_SECRET") || undefined,
  sipPasswordKey: Deno.env.get("SIP_PASSWORD_KEY") || undefined,
  // As in production (docker-compose.yml's sip-front): HAProxy holds the TCP and WS ports.
  tcpFront: true,
  // One value for Kamailio and web, which must agree on it.
  ringTimeoutSeconds: Number(Deno.env.get("RING_TIMEOUT_SECONDS")) || undefined,
  ports: {
    sip: Number(values.sip),
    ws: Number(values.ws),
    rpc: Number(values.rpc),
    redis: Number(values.redis),
    agent: Number(values.agent),
    rtpengineNg: Number(values.ng),
    evapi: Number(values.evapi),
    rtpMin,
    rtpMax,
    web: Number(values["web-port"]),
  },
});

console.log(`SIP domain  ${stack.sipDomain}`);
console.log(`logs        ${stack.workDir}`);
console.log("Ctrl-C stops everything.");

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log("stopping...");
  await stack.stop();
  console.log("stopped");
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);

/**
 * Agent entry point: `bun run agent/src/main.ts`. Reads and validates the environment, starts the
 * agent on AGENT_HOST:AGENT_PORT and stops it cleanly on SIGINT/SIGTERM.
 */
import { createAgent } from "./agent.ts";
import { type AgentConfig, ConfigError, loadConfig } from "./config.ts";

let config: AgentConfig;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // The message names each variable and why; a stack trace would only bury it.
  console.error(`careflow-agent: ${error.message}`);
  process.exit(1);
}

const agent = createAgent(config);
let address;
try {
  address = await agent.start();
} catch (error) {
  console.error(`careflow-agent: cannot start: ${(error as Error).message}`);
  process.exit(1);
}

if (!config.webUrl) {
  console.warn("careflow-agent: warning: WEB_URL unset; cache misses are answered as unknown");
}
if (!config.kamailioRpcUrl) {
  console.warn("careflow-agent: warning: KAMAILIO_RPC_URL unset; no cache invalidation is sent");
}
if (!config.kamailioApiSecret) {
  console.warn(
    "careflow-agent: warning: KAMAILIO_API_SECRET unset; any local process can read HA1s from " +
      "/kamailio/auth",
  );
}
console.log(`careflow-agent: listening on ${address.url}`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`careflow-agent: ${signal}, stopping`);
  await agent.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));

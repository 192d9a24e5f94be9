/**
 * The real agent (`bun run agent/src/main.ts`) as a child process, for tests, benchmarks and the
 * local stack: every variable it reads is set (empty for "unset"), so nothing from the caller's
 * shell changes what runs; it is ready once `/healthz` answers, and ended by PID.
 */
import { freePort } from "./ports.ts";
import { startProcess, type TrackedProcess } from "./process.ts";

const ENTRY = new URL("../agent/src/main.ts", import.meta.url).pathname;

/** How to start the agent. */
export interface AgentOptions {
  host?: string;
  /** Default: a free port. */
  port?: number;
  redisUrl: string;
  sipDomain: string;
  sipCredentialSecret: string;
  internalApiSecret: string;
  /** Cache-miss source; without it a miss is an unknown user. */
  webUrl?: string;
  kamailioRpcUrl?: string;
  /** Kamailio's evapi socket (`host:port`): registrations reach the agent's presence consumer. */
  kamailioEvapi?: string;
  /** Kamailio's credential for `/kamailio/*` (unset: unchecked). */
  kamailioApiSecret?: string;
  /** Append its output here (else kept in memory). */
  logFile?: string;
  /** The agent's entry file (default: this repository's). */
  entry?: string;
  /** More variables (the media side's: `FREESWITCH_ESL`, `FREESWITCH_CDR_DIR`, …). */
  env?: Record<string, string>;
}

/** A running agent process and where it listens. */
export type AgentProcess = TrackedProcess & { url: string; port: number };

/** Starts the real agent with Bun and waits for `/healthz`. */
export async function startAgent(o: AgentOptions): Promise<AgentProcess> {
  const host = o.host ?? "127.0.0.1";
  const port = o.port ?? await freePort();
  const env: Record<string, string> = {
    AGENT_HOST: host,
    AGENT_PORT: String(port),
    REDIS_URL: o.redisUrl,
    SIP_DOMAIN: o.sipDomain,
    SIP_CREDENTIAL_SECRET: o.sipCredentialSecret,
    INTERNAL_API_SECRET: o.internalApiSecret,
    WEB_URL: o.webUrl ?? "",
    KAMAILIO_RPC_URL: o.kamailioRpcUrl ?? "",
    KAMAILIO_EVAPI: o.kamailioEvapi ?? "",
    ...(o.kamailioApiSecret ? { KAMAILIO_API_SECRET: o.kamailioApiSecret } : {}),
    ...o.env,
  };
  const url = `http://${host}:${port}`;
  const proc = startProcess("agent", "bun", ["run", o.entry ?? ENTRY], { env, logFile: o.logFile });
  try {
    await proc.waitFor(`agent on ${port}`, async () => {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      return response.ok;
    });
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return Object.assign(proc, { url, port });
}

/** The agent's digest answer for a user: the HA1, or the HTTP status when there is none. */
export async function agentHa1(agentUrl: string, user: string, realm: string) {
  const query = new URLSearchParams({ user, realm });
  const response = await fetch(`${agentUrl}/kamailio/auth?${query}`);
  if (response.status !== 200) {
    await response.body?.cancel();
    return response.status;
  }
  return ((await response.json()) as { ha1: string }).ha1;
}

/**
 * The real agent (`bun run agent/src/main.ts`) as a child process, for web ↔ agent tests. Started
 * and ended by PID; a missing Bun fails loudly. Redis comes from `testing/redis.ts`.
 */
import { freePort } from "../../testing/ports.ts";
import { startProcess, type TrackedProcess } from "../../testing/process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** How to start the agent. */
export interface AgentOptions {
  /** Default: a free port. */
  port?: number;
  redisUrl: string;
  sipDomain: string;
  sipCredentialSecret: string;
  internalApiSecret: string;
  /** Cache-miss source; without it a miss is an unknown user. */
  webUrl?: string;
  kamailioRpcUrl?: string;
}

/** A running agent process and where it listens. */
export type AgentProcess = TrackedProcess & { url: string; port: number };

/** Starts the real agent with Bun and waits for `/healthz`. */
export async function startAgent(o: AgentOptions): Promise<AgentProcess> {
  const port = o.port ?? await freePort();
  const env: Record<string, string> = {
    AGENT_HOST: "127.0.0.1",
    AGENT_PORT: String(port),
    REDIS_URL: o.redisUrl,
    SIP_DOMAIN: o.sipDomain,
    SIP_CREDENTIAL_SECRET: o.sipCredentialSecret,
    INTERNAL_API_SECRET: o.internalApiSecret,
    // Set, even empty, so nothing from the test's own environment leaks into the agent.
    WEB_URL: o.webUrl ?? "",
    KAMAILIO_RPC_URL: o.kamailioRpcUrl ?? "",
  };
  const url = `http://127.0.0.1:${port}`;
  const proc = startProcess("agent", "bun", ["run", `${ROOT}agent/src/main.ts`], { env });
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

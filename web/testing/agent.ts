/**
 * Real processes for web ↔ agent tests: a throwaway `redis-server` and the agent itself
 * (`bun run agent/src/main.ts`). Each is started and ended by PID; a missing binary fails loudly.
 */
const ROOT = new URL("../../", import.meta.url).pathname;

/** A child process this test started. */
export interface TestProcess {
  pid: number;
  /** Everything it printed so far (for assertion messages). */
  output(): string;
  /** SIGTERM, then SIGKILL after 3 s; waits for the exit. */
  stop(): Promise<void>;
}

function spawn(cmd: string, args: string[], env: Record<string, string> = {}): TestProcess {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(cmd, { args, env, stdin: "null", stdout: "piped", stderr: "piped" })
      .spawn();
  } catch (error) {
    throw new Error(`cannot start ${cmd}: ${(error as Error).message} (is it installed?)`);
  }
  const chunks: string[] = [];
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) chunks.push(new TextDecoder().decode(chunk));
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  let exited = false;
  const status = child.status.then(async (s) => {
    exited = true;
    await drained.catch(() => {});
    return s;
  });
  return {
    pid: child.pid,
    output: () => chunks.join(""),
    async stop() {
      if (!exited) {
        try {
          Deno.kill(child.pid, "SIGTERM");
        } catch { /* already gone */ }
      }
      const timer = setTimeout(() => {
        try {
          Deno.kill(child.pid, "SIGKILL");
        } catch { /* already gone */ }
      }, 3000);
      await status;
      clearTimeout(timer);
    },
  };
}

async function waitUntil(what: string, proc: TestProcess, check: () => Promise<boolean>) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await proc.stop();
  throw new Error(`${what} did not come up:\n${proc.output().slice(-2000)}`);
}

/** Starts `redis-server` on loopback with no persistence. */
export async function startRedis(port: number): Promise<TestProcess & { url: string }> {
  const proc = spawn("redis-server", [
    "--bind",
    "127.0.0.1",
    "--port",
    String(port),
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
  await waitUntil(`redis-server on ${port}`, proc, async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await conn.write(new TextEncoder().encode("PING\r\n"));
      const buffer = new Uint8Array(16);
      const read = await conn.read(buffer);
      return new TextDecoder().decode(buffer.subarray(0, read ?? 0)).startsWith("+PONG");
    } finally {
      conn.close();
    }
  });
  return { ...proc, url: `redis://127.0.0.1:${port}` };
}

/** How to start the agent. */
export interface AgentOptions {
  port: number;
  redisUrl: string;
  sipDomain: string;
  sipCredentialSecret: string;
  internalApiSecret: string;
  /** Cache-miss source; without it a miss is an unknown user. */
  webUrl?: string;
  kamailioRpcUrl?: string;
}

/** Starts the real agent with Bun and waits for `/healthz`. */
export async function startAgent(o: AgentOptions): Promise<TestProcess & { url: string }> {
  const env: Record<string, string> = {
    AGENT_HOST: "127.0.0.1",
    AGENT_PORT: String(o.port),
    REDIS_URL: o.redisUrl,
    SIP_DOMAIN: o.sipDomain,
    SIP_CREDENTIAL_SECRET: o.sipCredentialSecret,
    INTERNAL_API_SECRET: o.internalApiSecret,
  };
  if (o.webUrl) env.WEB_URL = o.webUrl;
  if (o.kamailioRpcUrl) env.KAMAILIO_RPC_URL = o.kamailioRpcUrl;
  const url = `http://127.0.0.1:${o.port}`;
  const proc = spawn("bun", ["run", `${ROOT}agent/src/main.ts`], env);
  await waitUntil(`agent on ${o.port}`, proc, async () => {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  });
  return { ...proc, url };
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

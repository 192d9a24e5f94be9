/**
 * The real agent (`bun run agent/src/main.ts`) as a child process, configured by environment as
 * in production, which tests can SIGKILL and start again with the same configuration.
 */
import { freePort } from "../../../testing/ports.ts";
import { startProcess, type TrackedProcess } from "../../../testing/process.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;

/** A running agent process. */
export interface AgentProcess {
  url: string;
  readonly process: TrackedProcess;
  /** What it printed (its last runs' output, for a failure's message). */
  output(): string;
  /** `/metrics`, as Prometheus reads it. */
  metrics(): Promise<string>;
  /** The value of one series (labels as written, e.g. `{result="ok"}`), 0 when absent. */
  metric(series: string): Promise<number>;
  /** SIGKILL: nothing flushed, nothing said goodbye to. */
  kill(): Promise<void>;
  /** Starts it again with the same environment and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function launch(env: Record<string, string>): Promise<TrackedProcess> {
  const proc = startProcess("agent", process.execPath, ["run", `${ROOT}agent/src/main.ts`], {
    env,
    cwd: ROOT,
  });
  await proc.waitFor(
    `agent on ${env.AGENT_PORT}`,
    () => Promise.resolve(proc.output().includes("careflow-agent: listening on")),
    30_000,
  );
  return proc;
}

/** Starts the agent with `env` (plus a free loopback port); resolves once it serves. */
export async function startAgentProcess(env: Record<string, string>): Promise<AgentProcess> {
  const port = await freePort();
  const fullEnv = { AGENT_HOST: "127.0.0.1", AGENT_PORT: String(port), ...env };
  const url = `http://127.0.0.1:${port}`;
  let proc = await launch(fullEnv);
  let earlier = "";
  const metrics = async () => {
    const response = await fetch(`${url}/metrics`);
    return await response.text();
  };
  return {
    url,
    get process() {
      return proc;
    },
    output: () => earlier + proc.output(),
    metrics,
    async metric(series) {
      const line = (await metrics()).split("\n").find((l) => l.startsWith(`${series} `));
      return line ? Number(line.slice(series.length + 1)) : 0;
    },
    async kill() {
      if (!proc.exited) process.kill(proc.pid, "SIGKILL");
      await proc.exit;
    },
    async restart() {
      earlier += `${proc.output()}\n--- restarted ---\n`;
      proc = await launch(fullEnv);
    },
    stop: () => proc.stop(),
  };
}

/** Kamailio's command line for the stack's ports, and starting Kamailio alone. */
import { findProgram } from "../../testing/daemons.ts";
import { DEFAULT_ROOT, spawn } from "./process.ts";
import { randomBytes } from "node:crypto";
import { kamailioRpc, type KamailioRpcTarget } from "./probes.ts";
import type { StackPorts } from "./stack.ts";

/**
 * Writes the http_client config file that names the agent (`[agent]`) with Kamailio's credential,
 * readable by its owner only; returns its path. The secret stays off Kamailio's command line.
 */
export function writeAgentHttpConfig(path: string, agentUrl: string, secret: string): string {
  const text = [
    "[agent]",
    `url = ${agentUrl}/kamailio`,
    "username = kamailio",
    `password = ${secret}`,
    "authmethod = 1",
    "timeout = 2",
    "",
  ].join("\n");
  Deno.writeTextFileSync(path, text, { mode: 0o600 });
  return path;
}

/** Builds Kamailio's command line for the stack's ports (exported for benchmarks and tests). */
export function kamailioArgs(opts: {
  root: string;
  host: string;
  /** Where the agent and RTPEngine listen (default: `host`), e.g. one pair for several nodes. */
  servicesHost?: string;
  ports: Pick<StackPorts, "sip" | "ws" | "rpc" | "agent" | "rtpengineNg" | "evapi">;
  sipDomain: string;
  children?: number;
  defines?: string[];
  config?: string;
  /** An http_client config file naming the agent with its credential (`writeAgentHttpConfig`). */
  agentHttpConfig?: string;
}): string[] {
  const { host, ports } = opts;
  const services = opts.servicesHost ?? host;
  const defines = [
    `SIP_IP=${host}`,
    `SIP_PORT=${ports.sip}`,
    `WS_PORT=${ports.ws}`,
    `RPC_IP=${host}`,
    `RPC_PORT=${ports.rpc}`,
    `SIP_DOMAIN="${opts.sipDomain}"`,
    opts.agentHttpConfig
      ? `AGENT_HTTP_CONFIG="${opts.agentHttpConfig}"`
      : `AGENT_HTTPCON="agent=>http://${services}:${ports.agent}/kamailio;timeout=2"`,
    `RTPENGINE_SOCK="udp:${services}:${ports.rtpengineNg}"`,
    `CHILDREN=${opts.children ?? 2}`,
    ...(ports.evapi ? [`EVAPI_BIND="${host}:${ports.evapi}"`] : []),
    // Tests and benchmarks load Kamailio from 127.0.0.1: exempt from floods and bans, unless a
    // test names its own list. Other loopback addresses (127.0.0.2, ...) stay ordinary sources.
    ...((opts.defines ?? []).some((d) => d.startsWith("TRUSTED_SOURCES="))
      ? []
      : [`TRUSTED_SOURCES="127.0.0.1/32"`]),
    ...(opts.defines ?? []),
  ];
  return [
    "-DD",
    "-E",
    "-f",
    opts.config ?? `${opts.root}/pbx/kamailio/kamailio.cfg`,
    // Shared memory: every authenticated request is a transaction kept 5 s for its
    // retransmissions (replay protection, auth.cfg), so a re-registration storm of 10,000 phones
    // holds about 200 MB; pages are only taken as they are used.
    "-m",
    "512",
    "-M",
    "16",
    ...defines.flatMap((d) => ["-A", d]),
  ];
}

/**
 * The defines that have Kamailio write a record of every call into the Redis at `host:port`
 * (WITH_CALL_RECORDS, pbx/kamailio/records.cfg), the stack's one, which its agent reads.
 */
export function callRecordDefines(host: string, port: number): string[] {
  return ["WITH_CALL_RECORDS", `CALL_RECORDS_REDIS="name=records;addr=${host};port=${port}"`];
}

/**
 * The defines that run Kamailio WITH_FREESWITCH over `nodes` (`host:port`): writes their
 * dispatcher list (set 1) into `dir` under a fresh name, so Kamailios sharing a dir keep theirs.
 */
export async function freeswitchDefines(dir: string, nodes: string[]): Promise<string[]> {
  const file = `${dir}/freeswitch-${crypto.randomUUID().slice(0, 8)}.list`;
  await Deno.writeTextFile(file, nodes.map((node) => `1 sip:${node} 0 0\n`).join(""));
  return ["WITH_FREESWITCH", `FREESWITCH_LIST="${file}"`];
}

/**
 * The defines that keep registrations in Redis, shared by every node started with them:
 * `redisUrl` is `redis://host:port`, the registrations go to database `db` there (1 by default, so
 * they sit apart from the agent's keys in database 0); `serverId` tells the nodes apart (unique,
 * not 0).
 */
export function redisUsrlocDefines(redisUrl: string, serverId: number, db = 1): string[] {
  return ["WITH_REDIS_USRLOC", `REDIS_USRLOC_URL="${redisUrl}/${db}"`, `SERVER_ID=${serverId}`];
}

/** Starts Kamailio alone and waits until its JSON-RPC answers. */
export async function startKamailio(opts: {
  root?: string;
  host?: string;
  /** Where the agent and RTPEngine listen (default: `host`). */
  servicesHost?: string;
  ports: Pick<StackPorts, "sip" | "ws" | "rpc" | "agent" | "rtpengineNg" | "evapi">;
  sipDomain: string;
  children?: number;
  defines?: string[];
  workDir: string;
  name?: string;
  /** Config file (default: the repository's kamailio.cfg). */
  config?: string;
  /**
   * The agent's KAMAILIO_API_SECRET (a stack's: `stack.kamailioApiSecret`): Kamailio proves itself
   * with it to the agent and asks it of RPC callers. Without it Kamailio does not call the agent
   * with a credential, and its RPC takes a random one (in `rpc`).
   */
  agentSecret?: string;
}): Promise<{
  pid: number;
  logFile: string;
  rpcUrl: string;
  rpc: KamailioRpcTarget;
  stop(): Promise<void>;
}> {
  const host = opts.host ?? "127.0.0.1";
  const secret = opts.agentSecret ?? randomBytes(24).toString("base64url");
  const root = opts.root ?? DEFAULT_ROOT;
  const name = opts.name ?? "kamailio";
  const proc = spawn(
    name,
    findProgram("kamailio"),
    kamailioArgs({
      ...opts,
      root,
      host,
      agentHttpConfig: opts.agentSecret
        ? writeAgentHttpConfig(
          `${opts.workDir}/${name}-agent-http.cfg`,
          `http://${opts.servicesHost ?? host}:${opts.ports.agent}`,
          opts.agentSecret,
        )
        : undefined,
    }),
    opts.workDir,
    { KAMAILIO_API_SECRET: secret },
  );
  const rpcUrl = `http://${host}:${opts.ports.rpc}/RPC`;
  const rpc = { url: rpcUrl, secret };
  try {
    await proc.waitFor("JSON-RPC", async () => {
      await kamailioRpc(rpc, "core.version");
      return true;
    });
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { pid: proc.pid, logFile: proc.logFile!, rpcUrl, rpc, stop: () => proc.stop() };
}

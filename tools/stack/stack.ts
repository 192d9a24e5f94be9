/**
 * Starts the local SIP stack on loopback: redis-server, RTPEngine (userspace), the agent, Kamailio
 * with the repository's config and, optionally, the web app in `sip` mode. Ports are the caller's
 * or, by default, free ones, so stacks never collide with each other or a dev stack. Each process
 * is tracked by PID and ended by PID in `stop()`; output goes to one log file per process in
 * `workDir`.
 */
import { randomBytes } from "node:crypto";

import { findProgram } from "../../testing/daemons.ts";
import type { TrackedProcess } from "../../testing/process.ts";
import { startAgent } from "../../testing/agent.ts";
import { startRedis } from "../../testing/redis.ts";
import { DEFAULT_ROOT, spawn } from "./process.ts";
import { freeStackPorts } from "./ports.ts";
import { httpOk, kamailioRpc, rtpenginePing } from "./probes.ts";
import {
  callRecordDefines,
  freeswitchDefines,
  kamailioArgs,
  writeAgentHttpConfig,
} from "./kamailio.ts";

import { freeFrontPorts, startTcpFront, tcpFrontDefines, type TcpFrontOptions } from "./haproxy.ts";
export { kamailioRpc, type KamailioRpcTarget, rtpengineCalls, rtpenginePing } from "./probes.ts";
export {
  callRecordDefines,
  freeswitchDefines,
  kamailioArgs,
  redisUsrlocDefines,
  startKamailio,
} from "./kamailio.ts";
export { freeStackPorts } from "./ports.ts";

/** Ports of every component; all are bound on `host`. */
export interface StackPorts {
  /** SIP over UDP and TCP. */
  sip: number;
  /** SIP over WebSocket (browsers). */
  ws: number;
  /** Kamailio JSON-RPC over HTTP. */
  rpc: number;
  redis: number;
  agent: number;
  /** RTPEngine ng control socket (UDP). */
  rtpengineNg: number;
  /** Kamailio's evapi socket (registration events for the agent); Kamailio's default when absent. */
  evapi?: number;
  /** RTPEngine media port range. */
  rtpMin: number;
  rtpMax: number;
  /** Web app; only used when `web` is true. */
  web?: number;
}

/** What to start and how. */
export interface StackOptions {
  /** Default: a free port for each component (see `freeStackPorts`). */
  ports?: StackPorts;
  /** Loopback address every server binds to (default 127.0.0.1). */
  host?: string;
  /** SIP domain and digest realm (default `careflow.local`). */
  sipDomain?: string;
  /** Extra environment for the web app (e.g. RING_TIMEOUT_SECONDS). */
  webEnv?: Record<string, string>;
  /** Base64 of the 32-byte key that encrypts SIP phone passwords in web; random when absent. */
  sipPasswordKey?: string;
  /** Shared secrets; random ones are generated when absent. */
  sipCredentialSecret?: string;
  internalApiSecret?: string;
  /** Start the web app too (its `sip` mode must exist). */
  web?: boolean;
  /** Extra Kamailio `-A` defines, e.g. `["WITHOUT_PIKE", "BAN_TIME=60"]`. */
  kamailioDefines?: string[];
  /**
   * FreeSWITCH nodes as `host:port`: Kamailio runs WITH_FREESWITCH with these in its dispatcher
   * list (written to `workDir`), routing through them and trusting their calls back.
   */
  freeswitchNodes?: string[];
  /**
   * How long calls ring, for Kamailio and web alike (they must agree: see RING_TIMEOUT_SECONDS in
   * .env.example). Default: the product's 45 s.
   */
  ringTimeoutSeconds?: number;
  /** Kamailio config file (default: the repository's pbx/kamailio/kamailio.cfg). */
  kamailioConfig?: string;
  /** Kamailio worker processes per listener (default 2). */
  kamailioChildren?: number;
  /**
   * Seconds RTPEngine keeps a deleted call around for late packets (its default 30). Tests that
   * prove calls are released set 0, so "still listed" means "never deleted".
   */
  rtpengineDeleteDelay?: number;
  /**
   * HAProxy in front of Kamailio's TCP and WS ports (Kamailio WITH_TCP_FRONT), with these limits
   * per source (the product's defaults for `true`).
   */
  tcpFront?: boolean | TcpFrontOptions;
  /** Skip components, e.g. `{ kamailio: false }` to run Kamailio yourself. */
  skip?: { rtpengine?: boolean; agent?: boolean; kamailio?: boolean };
  /**
   * Directory for logs and data. When absent a fresh temp dir is made and removed again by
   * `stop()`, unless CAREFLOW_KEEP_LOGS=1 is set (to read the logs after a failure).
   */
  workDir?: string;
  /** Keep a fresh temp `workDir` after `stop()` (its logs), as CAREFLOW_KEEP_LOGS=1 does. */
  keepLogs?: boolean;
  /** web's DATA_DIR (its SQLite file and recordings); default `<workDir>/web-data`. */
  webDataDir?: string;
  /** Agent entry file (default `<root>/agent/src/main.ts`). */
  agentEntry?: string;
  /** More agent variables (a FreeSWITCH's event socket, its CDR folder, …). */
  agentEnv?: Record<string, string>;
  /** Repository root (default: two levels above this file). */
  root?: string;
  /** Print start-up progress. */
  verbose?: boolean;
}

/** A tracked child process. */
export interface StackProcess {
  name: string;
  pid: number;
  logFile: string;
}

/** A running stack. */
export interface Stack {
  host: string;
  ports: StackPorts;
  sipDomain: string;
  sipCredentialSecret: string;
  internalApiSecret: string;
  /**
   * What the stack's Kamailio and agent prove themselves with to each other (other nodes need it
   * too): Kamailio's http_client to the agent, the agent (and tests) to Kamailio's JSON-RPC.
   */
  kamailioApiSecret: string;
  /** The stack's Kamailio JSON-RPC, with its credential (`kamailioRpc(stack.rpc, ...)`). */
  rpc: { url: string; secret: string };
  urls: {
    sip: string;
    ws: string;
    rpc: string;
    agent: string;
    redis: string;
    rtpengineNg: string;
    web: string | null;
  };
  workDir: string;
  processes: StackProcess[];
  /** Ends one component by PID (tests use it to take the agent away). */
  stopOne(name: string): Promise<void>;
  /** Ends every process by PID (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
}

/** What starting one component needs to know. */
interface Context {
  options: StackOptions;
  host: string;
  root: string;
  ports: StackPorts;
  sipDomain: string;
  sipCredentialSecret: string;
  internalApiSecret: string;
  kamailioApiSecret: string;
  urls: Stack["urls"];
  workDir: string;
  running: TrackedProcess[];
  log(line: string): void;
}

/** Starts the stack; on any start-up failure everything already started is stopped again. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const host = options.host ?? "127.0.0.1";
  const ports = options.ports ?? await freeStackPorts({ web: options.web });
  const ownDir = !options.workDir && !options.keepLogs &&
    Deno.env.get("CAREFLOW_KEEP_LOGS") !== "1";
  const workDir = options.workDir ?? await Deno.makeTempDir({ prefix: "careflow-stack-" });
  await Deno.mkdir(workDir, { recursive: true });
  const context: Context = {
    options,
    host,
    root: options.root ?? DEFAULT_ROOT,
    ports,
    sipDomain: options.sipDomain ?? "careflow.local",
    sipCredentialSecret: options.sipCredentialSecret ?? randomBytes(24).toString("base64url"),
    internalApiSecret: options.internalApiSecret ?? randomBytes(24).toString("base64url"),
    kamailioApiSecret: randomBytes(24).toString("base64url"),
    urls: {
      sip: `sip:${host}:${ports.sip}`,
      ws: `ws://${host}:${ports.ws}`,
      rpc: `http://${host}:${ports.rpc}/RPC`,
      agent: `http://${host}:${ports.agent}`,
      redis: `redis://${host}:${ports.redis}`,
      rtpengineNg: `udp:${host}:${ports.rtpengineNg}`,
      web: options.web ? `http://${host}:${ports.web}` : null,
    },
    workDir,
    running: [],
    log: (line) => options.verbose && console.log(line),
  };
  const stop = async () => {
    // Reverse start order: Kamailio before the agent, the agent before Redis.
    for (const proc of [...context.running].reverse()) await proc.stop();
    if (ownDir) await Deno.remove(workDir, { recursive: true }).catch(() => {});
  };
  try {
    await startRedisOf(context);
    if (!options.skip?.rtpengine) await startRtpengine(context);
    if (!options.skip?.agent) await startAgentOf(context);
    if (!options.skip?.kamailio) await startKamailioOf(context);
    if (options.web) await startWeb(context);
  } catch (error) {
    await stop();
    throw error;
  }
  const { sipDomain, sipCredentialSecret, internalApiSecret, kamailioApiSecret, urls, running } =
    context;
  return {
    host,
    ports,
    sipDomain,
    sipCredentialSecret,
    internalApiSecret,
    kamailioApiSecret,
    rpc: { url: urls.rpc, secret: kamailioApiSecret },
    urls,
    workDir,
    processes: running.map((r) => ({ name: r.name, pid: r.pid, logFile: r.logFile! })),
    stopOne: async (name) => {
      const proc = running.find((r) => r.name === name);
      if (!proc) throw new Error(`no process named ${name}`);
      await proc.stop();
    },
    stop,
  };
}

async function startRedisOf(c: Context) {
  const dir = `${c.workDir}/redis`;
  await Deno.mkdir(dir, { recursive: true });
  const redis = await startRedis({
    host: c.host,
    port: c.ports.redis,
    dir,
    logFile: `${c.workDir}/redis.log`,
  });
  c.running.push(redis.process);
  c.log(`redis       ${c.urls.redis}  (pid ${redis.process.pid})`);
}

async function startRtpengine(c: Context) {
  const { host, ports, options } = c;
  const rtpengine = spawn("rtpengine", findProgram("rtpengine"), [
    "--config-file=none",
    "--foreground",
    "--log-stderr",
    "--table=-1",
    `--interface=${host}`,
    `--listen-ng=${host}:${ports.rtpengineNg}`,
    `--port-min=${ports.rtpMin}`,
    `--port-max=${ports.rtpMax}`,
    "--log-level=5",
    ...(options.rtpengineDeleteDelay === undefined
      ? []
      : [`--delete-delay=${options.rtpengineDeleteDelay}`]),
  ], c.workDir);
  c.running.push(rtpengine);
  await rtpengine.waitFor("ng ping", () => rtpenginePing(host, ports.rtpengineNg));
  c.log(
    `rtpengine   ng ${c.urls.rtpengineNg}, media ${ports.rtpMin}-${ports.rtpMax}  (pid ${rtpengine.pid})`,
  );
}

async function startAgentOf(c: Context) {
  const agent = await startAgent({
    host: c.host,
    port: c.ports.agent,
    redisUrl: c.urls.redis,
    sipDomain: c.sipDomain,
    sipCredentialSecret: c.sipCredentialSecret,
    internalApiSecret: c.internalApiSecret,
    kamailioApiSecret: c.kamailioApiSecret,
    kamailioRpcUrl: c.urls.rpc,
    kamailioEvapi: c.ports.evapi ? `${c.host}:${c.ports.evapi}` : undefined,
    webUrl: c.urls.web ?? undefined,
    logFile: `${c.workDir}/agent.log`,
    entry: c.options.agentEntry,
    env: c.options.agentEnv,
  });
  c.running.push(agent);
  c.log(`agent       ${c.urls.agent}  (pid ${agent.pid})`);
}

async function startKamailioOf(c: Context) {
  const tcpFront = c.options.tcpFront;
  const front = tcpFront ? await freeFrontPorts() : null;
  const args = kamailioArgs({
    root: c.root,
    host: c.host,
    ports: c.ports,
    sipDomain: c.sipDomain,
    agentHttpConfig: writeAgentHttpConfig(
      `${c.workDir}/kamailio-agent-http.cfg`,
      c.urls.agent,
      c.kamailioApiSecret,
    ),
    children: c.options.kamailioChildren,
    defines: [
      ...(c.options.ringTimeoutSeconds
        ? [`RING_TIMEOUT=${Math.round(c.options.ringTimeoutSeconds * 1000)}`]
        : []),
      ...(c.options.freeswitchNodes
        ? await freeswitchDefines(c.workDir, c.options.freeswitchNodes)
        : callRecordDefines(c.host, c.ports.redis)),
      ...(front ? tcpFrontDefines(c.host, front) : []),
      ...(c.options.kamailioDefines ?? []),
    ],
    config: c.options.kamailioConfig,
  });
  // The RPC secret goes in the environment, which only Kamailio's user can read (a define
  // would put it on the command line, which every local process sees).
  const kamailio = spawn("kamailio", findProgram("kamailio"), args, c.workDir, {
    KAMAILIO_API_SECRET: c.kamailioApiSecret,
  });
  c.running.push(kamailio);
  await kamailio.waitFor("JSON-RPC", async () => {
    await kamailioRpc({ url: c.urls.rpc, secret: c.kamailioApiSecret }, "core.version");
    return true;
  });
  c.log(
    `kamailio    ${c.urls.sip} (udp+tcp), ${c.urls.ws} (ws), rpc ${c.urls.rpc}  (pid ${kamailio.pid})`,
  );
  if (front) {
    const haproxy = await startTcpFront({
      root: c.root,
      host: c.host,
      ports: c.ports,
      front,
      workDir: c.workDir,
      limits: typeof tcpFront === "object" ? tcpFront : undefined,
    });
    c.running.push(haproxy);
    c.log(
      `haproxy     tcp ${c.ports.sip}, ws ${c.ports.ws} in front of Kamailio  (pid ${haproxy.pid})`,
    );
  }
}

async function startWeb(c: Context) {
  const { host, ports, urls } = c;
  if (!ports.web) throw new Error("ports.web is required when web is started");
  const dataDir = c.options.webDataDir ?? `${c.workDir}/web-data`;
  await Deno.mkdir(dataDir, { recursive: true });
  const web = spawn("web", Deno.execPath(), ["run", "-A", `${c.root}/web/main.ts`], c.workDir, {
    CALL_MODE: "sip",
    PORT: String(ports.web),
    HOST: host,
    DATA_DIR: dataDir,
    SIP_DOMAIN: c.sipDomain,
    SIP_CREDENTIAL_SECRET: c.sipCredentialSecret,
    INTERNAL_API_SECRET: c.internalApiSecret,
    AGENT_URL: urls.agent,
    SIP_WS_URL: urls.ws,
    SIP_PROXY: `${host}:${ports.sip}`,
    SIP_PASSWORD_KEY: c.options.sipPasswordKey ?? randomBytes(32).toString("base64"),
    ...(c.options.ringTimeoutSeconds
      ? { RING_TIMEOUT_SECONDS: String(c.options.ringTimeoutSeconds) }
      : {}),
    // Tests and the local stack sign users up freely; production invites (SIGNUP=invite).
    SIGNUP: "open",
    ...c.options.webEnv,
  }, c.root);
  c.running.push(web);
  await web.waitFor("HTTP", () => httpOk(`${urls.web}/`), 60_000);
  c.log(`web         ${urls.web}  (pid ${web.pid})`);
}

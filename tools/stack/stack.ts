/**
 * Starts the local SIP stack on loopback: redis-server, RTPEngine (userspace), the agent, Kamailio
 * with the repository's config and, optionally, the web app in `sip` mode. Every port is chosen by
 * the caller so tests never collide with a dev stack. Each process is tracked by PID and ended by
 * PID in `stop()`; output goes to one log file per process in `workDir`.
 */
import { randomBytes } from "node:crypto";

import { DEFAULT_ROOT, type Running, spawn, stopProcess, waitFor } from "./process.ts";
import { httpOk, kamailioRpc, redisPing, rtpenginePing } from "./probes.ts";
import { kamailioArgs } from "./kamailio.ts";

export { kamailioRpc, rtpengineCalls, rtpenginePing } from "./probes.ts";
export { kamailioArgs, startKamailio } from "./kamailio.ts";

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
  /** RTPEngine media port range. */
  rtpMin: number;
  rtpMax: number;
  /** Web app; only used when `web` is true. */
  web?: number;
}

/** What to start and how. */
export interface StackOptions {
  ports: StackPorts;
  /** Loopback address every server binds to (default 127.0.0.1). */
  host?: string;
  /** SIP domain and digest realm (default `careflow.local`). */
  sipDomain?: string;
  /** Extra environment for the web app (e.g. ADMIN_EMAILS). */
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
  /** Kamailio config file (default: the repository's pbx/kamailio/kamailio.cfg). */
  kamailioConfig?: string;
  /** Kamailio worker processes per listener (default 2). */
  kamailioChildren?: number;
  /**
   * Seconds RTPEngine keeps a deleted call around for late packets (its default 30). Tests that
   * prove calls are released set 0, so "still listed" means "never deleted".
   */
  rtpengineDeleteDelay?: number;
  /** Skip components, e.g. `{ kamailio: false }` to run Kamailio yourself. */
  skip?: { rtpengine?: boolean; agent?: boolean; kamailio?: boolean };
  /**
   * Directory for logs and data. When absent a fresh temp dir is made and removed again by
   * `stop()`, unless CAREFLOW_KEEP_LOGS=1 is set (to read the logs after a failure).
   */
  workDir?: string;
  /** Agent entry file (default `<root>/agent/src/main.ts`). */
  agentEntry?: string;
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

const HERE = new URL(".", import.meta.url).pathname;

/** Starts the stack; on any start-up failure everything already started is stopped again. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const host = options.host ?? "127.0.0.1";
  const root = options.root ?? DEFAULT_ROOT;
  const ports = options.ports;
  const sipDomain = options.sipDomain ?? "careflow.local";
  const sipCredentialSecret = options.sipCredentialSecret ??
    randomBytes(24).toString("base64url");
  const internalApiSecret = options.internalApiSecret ?? randomBytes(24).toString("base64url");
  const ownDir = !options.workDir && Deno.env.get("CAREFLOW_KEEP_LOGS") !== "1";
  const workDir = options.workDir ?? await Deno.makeTempDir({ prefix: "careflow-stack-" });
  await Deno.mkdir(workDir, { recursive: true });
  const log = (line: string) => {
    if (options.verbose) console.log(line);
  };

  const running: Running[] = [];
  const stop = async () => {
    // Reverse start order: Kamailio before the agent, the agent before Redis.
    for (const proc of [...running].reverse()) await stopProcess(proc);
    if (ownDir) await Deno.remove(workDir, { recursive: true }).catch(() => {});
  };

  const urls: Stack["urls"] = {
    sip: `sip:${host}:${ports.sip}`,
    ws: `ws://${host}:${ports.ws}`,
    rpc: `http://${host}:${ports.rpc}/RPC`,
    agent: `http://${host}:${ports.agent}`,
    redis: `redis://${host}:${ports.redis}`,
    rtpengineNg: `udp:${host}:${ports.rtpengineNg}`,
    web: options.web ? `http://${host}:${ports.web}` : null,
  };

  try {
    const redisDir = `${workDir}/redis`;
    await Deno.mkdir(redisDir, { recursive: true });
    const redis = spawn("redis", "redis-server", [
      "--bind",
      host,
      "--port",
      String(ports.redis),
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      redisDir,
      "--daemonize",
      "no",
    ], workDir);
    running.push(redis);
    await waitFor(redis, "PING", () => redisPing(host, ports.redis));
    log(`redis       ${urls.redis}  (pid ${redis.child.pid})`);

    if (!options.skip?.rtpengine) {
      const rtpengine = spawn("rtpengine", "rtpengine", [
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
      ], workDir);
      running.push(rtpengine);
      await waitFor(rtpengine, "ng ping", () => rtpenginePing(host, ports.rtpengineNg));
      log(
        `rtpengine   ng ${urls.rtpengineNg}, media ${ports.rtpMin}-${ports.rtpMax}  (pid ${rtpengine.child.pid})`,
      );
    }

    if (!options.skip?.agent) {
      const agentEnv: Record<string, string> = {
        AGENT_HOST: host,
        AGENT_PORT: String(ports.agent),
        REDIS_URL: urls.redis,
        SIP_DOMAIN: sipDomain,
        SIP_CREDENTIAL_SECRET: sipCredentialSecret,
        INTERNAL_API_SECRET: internalApiSecret,
        KAMAILIO_RPC_URL: urls.rpc,
      };
      if (urls.web) agentEnv.WEB_URL = urls.web;
      const agent = spawn(
        "agent",
        "bun",
        [
          "run",
          options.agentEntry ?? `${root}/agent/src/main.ts`,
        ],
        workDir,
        agentEnv,
      );
      running.push(agent);
      await waitFor(agent, "/healthz", () => httpOk(`${urls.agent}/healthz`));
      log(`agent       ${urls.agent}  (pid ${agent.child.pid})`);
    }

    if (!options.skip?.kamailio) {
      const kamailio = spawn(
        "kamailio",
        "kamailio",
        kamailioArgs({
          root,
          host,
          ports,
          sipDomain,
          children: options.kamailioChildren,
          defines: options.kamailioDefines,
          config: options.kamailioConfig,
        }),
        workDir,
      );
      running.push(kamailio);
      await waitFor(kamailio, "JSON-RPC", async () => {
        await kamailioRpc(urls.rpc, "core.version");
        return true;
      });
      log(
        `kamailio    ${urls.sip} (udp+tcp), ${urls.ws} (ws), rpc ${urls.rpc}  (pid ${kamailio.child.pid})`,
      );
    }

    if (options.web) {
      if (!ports.web) throw new Error("ports.web is required when web is started");
      const dataDir = `${workDir}/web-data`;
      await Deno.mkdir(dataDir, { recursive: true });
      const web = spawn("web", Deno.execPath(), ["run", "-A", `${root}/web/main.ts`], workDir, {
        CALL_MODE: "sip",
        PORT: String(ports.web),
        HOST: host,
        DATA_DIR: dataDir,
        SIP_DOMAIN: sipDomain,
        SIP_CREDENTIAL_SECRET: sipCredentialSecret,
        INTERNAL_API_SECRET: internalApiSecret,
        AGENT_URL: urls.agent,
        SIP_WS_URL: urls.ws,
        SIP_PROXY: `${host}:${ports.sip}`,
        SIP_PASSWORD_KEY: options.sipPasswordKey ?? randomBytes(32).toString("base64"),
        ...options.webEnv,
      }, root);
      running.push(web);
      await waitFor(web, "HTTP", () => httpOk(`${urls.web}/`), 60_000);
      log(`web         ${urls.web}  (pid ${web.child.pid})`);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    host,
    ports,
    sipDomain,
    sipCredentialSecret,
    internalApiSecret,
    urls,
    workDir,
    processes: running.map((r) => ({ name: r.name, pid: r.child.pid, logFile: r.logFile })),
    stopOne: async (name) => {
      const proc = running.find((r) => r.name === name);
      if (!proc) throw new Error(`no process named ${name}`);
      await stopProcess(proc);
    },
    stop,
  };
}

export { HERE as STACK_DIR };

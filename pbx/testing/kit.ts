/**
 * Helpers for the pbx tests: provisioning through the agent's signed API, SIPp runs (clients and
 * a stand-in gateway), what Kamailio has registered. Every SIPp is started and ended by PID
 * (testing/process.ts), on ports from the allocator (testing/ports.ts).
 */
import { subscriberPath, type SubscriberUpsert } from "../../shared/agent-contract.ts";
import { digestHa1, ephemeralSipCredentials } from "../../shared/sip-credentials.ts";
import { signRequest } from "../../shared/signing.ts";
import { findProgram } from "../../testing/daemons.ts";
import { freePort, freePortRange } from "../../testing/ports.ts";
import { startProcess } from "../../testing/process.ts";
import { kamailioRpc, type KamailioRpcTarget } from "../../tools/stack/stack.ts";
import { runToEnd } from "./run.ts";

/** Directory of the SIPp scenarios. */
export const SIPP_DIR = new URL("../sipp/", import.meta.url).pathname;

/** What the helpers need of a running stack (tools/stack's `Stack` has it all). */
export interface StackAccess {
  urls: { agent: string; rpc: string };
  ports: { sip: number };
  sipDomain: string;
  internalApiSecret: string;
  sipCredentialSecret: string;
  workDir: string;
}

/** Sends a signed provisioning request to the agent; returns the HTTP status. */
export async function provision(
  agentUrl: string,
  secret: string,
  method: "PUT" | "DELETE",
  care4wId: string,
  body?: SubscriberUpsert,
): Promise<number> {
  const path = subscriberPath(care4wId);
  const text = body ? JSON.stringify(body) : "";
  const headers: Record<string, string> = signRequest({ secret, method, path, body: text });
  if (body) headers["content-type"] = "application/json";
  const response = await fetch(agentUrl + path, {
    method,
    headers,
    body: body ? text : undefined,
  });
  await response.body?.cancel();
  return response.status;
}

/**
 * Provisions (PUT) a subscriber of the stack's domain: with the HA1 of a long-lived `password`,
 * or with none (`null`: browser-style ephemeral credentials only). Returns the HTTP status.
 */
export function putSubscriber(
  stack: Pick<StackAccess, "urls" | "sipDomain" | "internalApiSecret">,
  care4wId: string,
  password: string | null,
  active = true,
): Promise<number> {
  const ha1 = password === null ? null : digestHa1(care4wId, stack.sipDomain, password);
  return provision(stack.urls.agent, stack.internalApiSecret, "PUT", care4wId, { ha1, active });
}

/**
 * Like `putSubscriber`, with the call profile web would send: CareFlow display name, "record my
 * calls" setting, own E.164 number.
 */
export function putProfile(
  stack: Pick<StackAccess, "urls" | "sipDomain" | "internalApiSecret">,
  care4wId: string,
  password: string | null,
  profile: Pick<SubscriberUpsert, "displayName" | "recordCalls" | "e164">,
): Promise<number> {
  const ha1 = password === null ? null : digestHa1(care4wId, stack.sipDomain, password);
  return provision(stack.urls.agent, stack.internalApiSecret, "PUT", care4wId, {
    ha1,
    active: true,
    ...profile,
  });
}

/** Ephemeral (browser-style) SIP credentials for `care4wId`, valid for ten minutes. */
export function ephemeralFor(
  stack: Pick<StackAccess, "sipCredentialSecret">,
  care4wId: string,
): { username: string; password: string } {
  return ephemeralSipCredentials(stack.sipCredentialSecret, care4wId, 600, Date.now() / 1000);
}

/** One line of a SIPp injection file: the SIP user, its credentials and extra fields. */
export interface SippCall {
  user: string;
  authUser: string;
  password: string;
  extra?: string[];
}

/** Result of one SIPp run. */
export interface SippResult {
  /** Exit code; -1 when it was killed. */
  code: number;
  /** `<log>` lines of the scenario. */
  logs: string;
  output: string;
  /** Every SIP message it sent and received (SIPp `-trace_msg`), when asked for. */
  messages: string;
}

/** Where a SIPp binds its SIP socket. */
interface SippSockets {
  localIp?: string;
  /** Default: a free port. */
  localPort?: number;
  /** Keep every message sent and received (`SippResult.messages`). */
  traceMessages?: boolean;
}

/**
 * SIPp's own side sockets: its control socket (default 8888) and RTP echo sockets (default 6000
 * and 6002). Nothing sends to them here, so a set is handed to the next SIPp once its SIPp has
 * ended (allocating ports costs a few ms each; a test runs dozens of SIPps).
 */
interface SideSockets {
  control: number;
  media: number;
}
const idleSideSockets: SideSockets[] = [];

/** A free side-socket set, and how to hand it back. */
async function sideSockets(): Promise<{ args: string[]; release(): void }> {
  const set = idleSideSockets.pop() ??
    { control: await freePort(), media: await freePortRange(4) };
  return {
    args: ["-cp", String(set.control), "-mp", String(set.media)],
    release: () => idleSideSockets.push(set),
  };
}

/**
 * Arguments every SIPp run shares: its sockets (a fresh free SIP port unless given, so no reply
 * meant for an earlier run reaches it), SIPp's own timeout, `<log>` lines to `logFile`.
 */
async function commonArgs(sockets: SippSockets, side: string[], timeout: string, logFile: string) {
  return [
    ...["-i", sockets.localIp ?? "127.0.0.1", "-p", String(sockets.localPort ?? await freePort())],
    ...side,
    ...["-timeout", timeout, "-timeout_error", "-nostdin", "-trace_logs", "-log_file", logFile],
    ...(sockets.traceMessages ? ["-trace_msg", "-message_file", messageFile(logFile)] : []),
  ];
}

/** Where a run that traces messages writes them, beside its `<log>` file. */
function messageFile(logFile: string): string {
  return logFile.replace(/\.log$/, ".msg");
}

/** A fresh file name for one SIPp run in `workDir`. */
function runFile(workDir: string, kind: string, ext: string): string {
  return `${workDir}/sipp-${kind}-${crypto.randomUUID().slice(0, 8)}.${ext}`;
}

/** The result of a finished SIPp: its code, its `<log>` lines and what it printed. */
async function sippResult(code: number | null, logFile: string, output: string) {
  const logs = await Deno.readTextFile(logFile).catch(() => "");
  const messages = await Deno.readTextFile(messageFile(logFile)).catch(() => "");
  return { code: code ?? -1, logs, output, messages };
}

/** Runs one SIPp scenario against `target` and waits for it (ended by PID after `timeoutMs`). */
export async function sipp(
  opts: SippSockets & {
    scenario: string;
    target: string;
    calls: SippCall[];
    domain: string;
    workDir: string;
    expires?: number;
    timeoutMs?: number;
    /** Calls per second; without it calls run one at a time. */
    rate?: number;
  },
): Promise<SippResult> {
  const csv = runFile(opts.workDir, "uac", "csv");
  const logFile = runFile(opts.workDir, "uac", "log");
  const lines = opts.calls.map((c) =>
    [
      c.user,
      `[authentication username=${c.authUser} password=${c.password}]`,
      ...(c.extra ?? []),
    ].join(";")
  );
  await Deno.writeTextFile(csv, ["SEQUENTIAL", ...lines].join("\n") + "\n");
  const side = await sideSockets();
  try {
    const run = await runToEnd("sipp", [
      opts.target,
      ...["-sf", `${SIPP_DIR}${opts.scenario}`, "-inf", csv, "-m", String(opts.calls.length)],
      ...(opts.rate ? ["-r", String(opts.rate), "-l", "100"] : ["-l", "1"]),
      ...["-key", "domain", opts.domain, "-key", "expires", String(opts.expires ?? 3600)],
      ...["-default_behaviors", "all,-bye"],
      ...await commonArgs(opts, side.args, "20s", logFile),
    ], { cwd: opts.workDir, timeoutMs: opts.timeoutMs ?? 25_000 });
    return await sippResult(run.code, logFile, run.output);
  } finally {
    side.release();
  }
}

/**
 * `run(scenario, calls, localIp?)`: SIPp against the stack's SIP port as a client of its domain,
 * from a fresh free port each time (on `localIp`, default 127.0.0.1), files in the stack's dir.
 */
export function sippRunner(stack: Pick<StackAccess, "ports" | "sipDomain" | "workDir">) {
  return (scenario: string, calls: SippCall[], localIp?: string): Promise<SippResult> =>
    sipp({
      scenario,
      target: `127.0.0.1:${stack.ports.sip}`,
      calls,
      domain: stack.sipDomain,
      localIp,
      workDir: stack.workDir,
    });
}

/** A SIPp UAS (stand-in gateway) running in the background until it has handled `calls`. */
export interface SippServer {
  pid: number;
  /** Resolves once it has ended. */
  done: Promise<SippResult>;
  /** Ends it by PID if still running (a test that failed early) and waits for it. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a SIPp UAS on `localPort` (the test chose it from the allocator: Kamailio needs it). */
export async function sippServer(opts: {
  scenario: string;
  localIp?: string;
  localPort: number;
  workDir: string;
  calls?: number;
  traceMessages?: boolean;
}): Promise<SippServer> {
  const logFile = runFile(opts.workDir, "uas", "log");
  const side = await sideSockets();
  const proc = startProcess("sipp-uas", findProgram("sipp"), [
    ...["-sf", `${SIPP_DIR}${opts.scenario}`, "-m", String(opts.calls ?? 1)],
    // Waits for calls while a test runs its steps: a generous bound (the test ends it anyway).
    ...await commonArgs(opts, side.args, "60s", logFile),
  ], { cwd: opts.workDir });
  const done = proc.exit.then((code) => {
    side.release();
    return sippResult(code, logFile, proc.output(256 * 1024));
  });
  const stop = async () => {
    await proc.stop();
    await done;
  };
  return { pid: proc.pid, done, stop, [Symbol.asyncDispose]: stop };
}

/** Short description of a SIPp run for assertion messages. */
export function describe(result: SippResult): string {
  const summary = result.output.split("\n").filter((l) =>
    /Successful call|Failed call|Unexpected|error|Aborting/i.test(l)
  ).slice(0, 8).join("\n");
  return `sipp exit ${result.code}\n${summary}\n${result.logs.slice(0, 800)}`;
}

/** AORs currently registered in Kamailio's `location` table. */
export async function registeredAors(rpc: KamailioRpcTarget): Promise<string[]> {
  const dump = await kamailioRpc(rpc, "ul.dump", ["brief"]) as {
    Domains: { Domain: { Domain: string; AoRs: { AoR: string }[] } }[];
  };
  return dump.Domains.flatMap((d) =>
    d.Domain.Domain === "location" ? d.Domain.AoRs.map((a) => a.AoR) : []
  );
}

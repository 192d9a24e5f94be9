/**
 * Helpers for the pbx tests: provisioning through the agent's signed API, SIPp runs, Kamailio
 * JSON-RPC. Every child process is started and ended by PID here.
 */
import { createHash } from "node:crypto";
import { signRequest } from "../../shared/signing.ts";

/** Directory of the SIPp scenarios. */
export const SIPP_DIR = new URL("../sipp/", import.meta.url).pathname;

/** md5(user:realm:password) as the agent stores it. */
export function ha1(user: string, realm: string, password: string): string {
  return createHash("md5").update(`${user}:${realm}:${password}`).digest("hex");
}

/** Sends a signed provisioning request to the agent; returns the HTTP status. */
export async function provision(
  agentUrl: string,
  secret: string,
  method: "PUT" | "DELETE",
  care4wId: string,
  body?: { ha1: string | null; active: boolean },
): Promise<number> {
  const path = `/internal/subscribers/${care4wId}`;
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

/** One line of a SIPp injection file: the SIP user, its credentials and extra fields. */
export interface SippCall {
  user: string;
  authUser: string;
  password: string;
  extra?: string[];
}

/** Result of one SIPp run. */
export interface SippResult {
  code: number;
  /** `<log>` lines of the scenario. */
  logs: string;
  output: string;
}

/** Runs one SIPp scenario against `target` and waits for it (killed by PID after `timeoutMs`). */
export async function sipp(opts: {
  scenario: string;
  target: string;
  calls: SippCall[];
  domain: string;
  localIp?: string;
  localPort: number;
  workDir: string;
  expires?: number;
  timeoutMs?: number;
  /** Calls per second; without it calls run one at a time. */
  rate?: number;
}): Promise<SippResult> {
  const stamp = crypto.randomUUID().slice(0, 8);
  const csv = `${opts.workDir}/sipp-${stamp}.csv`;
  const logFile = `${opts.workDir}/sipp-${stamp}.log`;
  const lines = opts.calls.map((c) =>
    [
      c.user,
      `[authentication username=${c.authUser} password=${c.password}]`,
      ...(c.extra ?? []),
    ].join(";")
  );
  await Deno.writeTextFile(csv, ["SEQUENTIAL", ...lines].join("\n") + "\n");
  const args = [
    opts.target,
    "-sf",
    `${SIPP_DIR}${opts.scenario}`,
    "-inf",
    csv,
    "-m",
    String(opts.calls.length),
    ...(opts.rate ? ["-r", String(opts.rate), "-l", "100"] : ["-l", "1"]),
    "-i",
    opts.localIp ?? "127.0.0.1",
    "-p",
    String(opts.localPort),
    "-key",
    "domain",
    opts.domain,
    "-key",
    "expires",
    String(opts.expires ?? 3600),
    "-default_behaviors",
    "all,-bye",
    "-timeout",
    "20s",
    "-timeout_error",
    "-nostdin",
    "-trace_logs",
    "-log_file",
    logFile,
  ];
  const child = new Deno.Command("sipp", {
    args,
    cwd: opts.workDir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      Deno.kill(child.pid, "SIGKILL");
    } catch {
      // gone
    }
  }, opts.timeoutMs ?? 25_000);
  const out = await child.output();
  clearTimeout(timer);
  const logs = await Deno.readTextFile(logFile).catch(() => "");
  const output = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, logs, output };
}

/** A SIPp UAS (stand-in gateway) running in the background until it has handled `calls`. */
export function sippServer(opts: {
  scenario: string;
  localIp?: string;
  localPort: number;
  workDir: string;
  calls?: number;
}): { pid: number; done: Promise<SippResult>; stop(): Promise<void> } {
  const logFile = `${opts.workDir}/sipp-uas-${crypto.randomUUID().slice(0, 8)}.log`;
  const child = new Deno.Command("sipp", {
    args: [
      "-sf",
      `${SIPP_DIR}${opts.scenario}`,
      "-i",
      opts.localIp ?? "127.0.0.1",
      "-p",
      String(opts.localPort),
      "-m",
      String(opts.calls ?? 1),
      "-timeout",
      "20s",
      "-timeout_error",
      "-nostdin",
      "-trace_logs",
      "-log_file",
      logFile,
    ],
    cwd: opts.workDir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const done = child.output().then(async (out) => ({
    code: out.code,
    logs: await Deno.readTextFile(logFile).catch(() => ""),
    output: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
  }));
  return {
    pid: child.pid,
    done,
    /** Ends it by PID if still running (a test that failed early) and waits for it. */
    async stop() {
      try {
        Deno.kill(child.pid, "SIGKILL");
      } catch {
        // already ended
      }
      await done;
    },
  };
}

/** Short description of a SIPp run for assertion messages. */
export function describe(result: SippResult): string {
  const summary = result.output.split("\n").filter((l) =>
    /Successful call|Failed call|Unexpected|error|Aborting/i.test(l)
  ).slice(0, 8).join("\n");
  return `sipp exit ${result.code}\n${summary}\n${result.logs.slice(0, 800)}`;
}

/** Calls Kamailio's JSON-RPC and returns `result`, or throws on an RPC error. */
export async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", method, params, id: 1 }),
  });
  const reply = await response.json() as { result?: unknown; error?: { message: string } };
  if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
  return reply.result;
}

/** AORs currently registered in Kamailio's `location` table. */
export async function registeredAors(rpcUrl: string): Promise<string[]> {
  const dump = await rpc(rpcUrl, "ul.dump", ["brief"]) as {
    Domains: { Domain: { Domain: string; AoRs: { AoR: string }[] } }[];
  };
  return dump.Domains.flatMap((d) =>
    d.Domain.Domain === "location" ? d.Domain.AoRs.map((a) => a.AoR) : []
  );
}

/**
 * Child processes that tests and the local stack start: tracked by PID, their output kept (in a
 * log file or in memory), waited for until ready, and ended by PID (SIGTERM, then SIGKILL).
 * Each child leads its own process group, so the SIGKILL also reaches the workers a daemon
 * forked (Kamailio's) and nothing it started outlives a test. Written on `node:child_process`
 * so Deno tests, Bun tests and the stack tool share it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, readFileSync } from "node:fs";
import process from "node:process";
import { DEFAULT_WAIT_MS, sleep } from "./eventually.ts";

/** How to start one process. */
export interface StartOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Append stdout and stderr here (the stack keeps one log per process); else kept in memory. */
  logFile?: string;
}

/** A running (or ended) child this code started. */
export interface TrackedProcess {
  name: string;
  pid: number;
  logFile: string | undefined;
  /** True once it has exited (or could not start). */
  readonly exited: boolean;
  /** Resolves with the exit code (null when killed by a signal) once it has exited. */
  exit: Promise<number | null>;
  /** The last `chars` characters it printed. */
  output(chars?: number): string;
  /** Polls `check` until true; fails at once when the process exits, with its output. */
  waitFor(what: string, check: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Keeps at most this much in-memory output per process. */
const MEMORY_LIMIT = 256 * 1024;

/** Starts `command` (a name on PATH or an absolute path). A missing program fails loudly. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: StartOptions = {},
): TrackedProcess {
  const env = { ...process.env, ...options.env } as Record<string, string>;
  const child: ChildProcess = spawn(command, args, {
    env,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let memory = "";
  const record = (chunk: Uint8Array | string) => {
    if (options.logFile) appendFileSync(options.logFile, chunk);
    else memory = (memory + chunk.toString()).slice(-MEMORY_LIMIT);
  };
  if (options.logFile) appendFileSync(options.logFile, `$ ${command} ${args.join(" ")}\n`);
  child.stdout?.on("data", record);
  child.stderr?.on("data", record);
  let exited = false;
  const exit = new Promise<number | null>((resolve) => {
    child.once("error", (error) => {
      record(`cannot start ${command}: ${error.message}\n`);
      exited = true;
      resolve(-1);
    });
    child.once("exit", (code) => {
      exited = true;
      // Its output is complete once the pipes close; a grandchild holding them must not stall us.
      const late = setTimeout(() => resolve(code), 2000);
      child.once("close", () => {
        clearTimeout(late);
        resolve(code);
      });
    });
  });
  const output = (chars = 4000) => {
    if (!options.logFile) return memory.slice(-chars);
    try {
      return readFileSync(options.logFile, "utf8").slice(-chars);
    } catch {
      return "(no log)";
    }
  };
  /** SIGTERM to the process itself (it stops its own workers); SIGKILL to its whole group. */
  const signal = (sig: "SIGTERM" | "SIGKILL") => {
    try {
      if (child.pid && (sig === "SIGKILL" || !exited)) {
        process.kill(sig === "SIGKILL" ? -child.pid : child.pid, sig);
      }
    } catch { /* already gone */ }
  };
  return {
    name,
    pid: child.pid ?? -1,
    logFile: options.logFile,
    get exited() {
      return exited;
    },
    exit,
    output,
    async waitFor(what, check, timeoutMs = DEFAULT_WAIT_MS) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (exited) throw new Error(`${name} exited before ${what}:\n${output()}`);
        if (await check().catch(() => false)) return;
        await sleep(100);
      }
      throw new Error(`${name}: ${what} not ready in ${timeoutMs} ms:\n${output()}`);
    },
    async stop(graceMs = 3000) {
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), graceMs);
      await exit;
      clearTimeout(timer);
      // Workers that outlived their parent (it was killed, not stopped) go with the group.
      signal("SIGKILL");
    },
  };
}

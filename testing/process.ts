/**
 * Child processes that tests and the local stack start: tracked by PID, their output kept (in a
 * log file or in memory), waited for until ready, and ended by PID (SIGTERM, then SIGKILL).
 * The SIGKILL also reaches the workers a daemon forked (Kamailio's), so nothing a test started
 * outlives it; children stay in the runner's process group, so Ctrl-C or a CI timeout ends them
 * too. Written on `node:child_process` so Deno tests, Bun tests and the stack tool share it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
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

/**
 * The processes `pid` forked, and theirs (Linux /proc), so a SIGKILL also reaches a daemon's
 * workers: killed while running, a parent no longer stops them itself.
 */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing bracket.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch { /* gone meanwhile */ }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const child of children.get(parent) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

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
  const signal = (sig: "SIGTERM" | "SIGKILL") => {
    try {
      if (!exited && child.pid) process.kill(child.pid, sig);
    } catch { /* already gone */ }
  };
  /** SIGKILL to the process and everything it forked, taken before the parent goes. */
  const kill = () => {
    if (exited || !child.pid) return;
    for (const pid of [child.pid, ...descendants(child.pid)]) {
      try {
        process.kill(pid, "SIGKILL");
      } catch { /* already gone */ }
    }
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
      // SIGTERM lets a daemon stop its own workers; one that does not in time is killed with them.
      signal("SIGTERM");
      const timer = setTimeout(kill, graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

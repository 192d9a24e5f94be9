/** Child processes of the local stack: spawned with a log file each, awaited, ended by PID. */

export const DEFAULT_ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

export interface Running {
  name: string;
  child: Deno.ChildProcess;
  logFile: string;
  exited: boolean;
  status: Promise<Deno.CommandStatus>;
}

export function spawn(
  name: string,
  cmd: string,
  args: string[],
  workDir: string,
  env: Record<string, string> = {},
  cwd?: string,
): Running {
  const logFile = `${workDir}/${name}.log`;
  const child = new Deno.Command(cmd, {
    args,
    env,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const file = Deno.openSync(logFile, { write: true, create: true, append: true });
  const encoder = new TextEncoder();
  file.writeSync(encoder.encode(`$ ${cmd} ${args.join(" ")}\n`));
  // Both streams go into one log file; the writes are synchronous so lines do not interleave.
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) file.writeSync(chunk);
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]).finally(() =>
    file.close()
  );
  const running: Running = { name, child, logFile, exited: false, status: child.status };
  running.status = child.status.then(async (s) => {
    running.exited = true;
    await drained.catch(() => {});
    return s;
  });
  return running;
}

async function logTail(file: string, lines = 30): Promise<string> {
  try {
    const text = await Deno.readTextFile(file);
    return text.split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Polls `check` until it returns true, the process exits, or `timeoutMs` passes. */
export async function waitFor(
  proc: Running,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exited) {
      throw new Error(`${proc.name} exited before ${what}:\n${await logTail(proc.logFile)}`);
    }
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${proc.name}: ${what} not ready in ${timeoutMs} ms:\n${await logTail(proc.logFile)}`,
  );
}

export async function stopProcess(proc: Running, graceMs = 3000): Promise<void> {
  if (proc.exited) {
    await proc.status;
    return;
  }
  try {
    Deno.kill(proc.child.pid, "SIGTERM");
  } catch {
    // already gone
  }
  const timer = new Promise<"timeout">((r) => {
    const id = setTimeout(() => r("timeout"), graceMs);
    proc.status.finally(() => clearTimeout(id));
  });
  if (await Promise.race([proc.status.then(() => "done" as const), timer]) === "timeout") {
    try {
      Deno.kill(proc.child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await proc.status;
  }
}

/**
 * Runs a program to its end for the pbx tests (kamailio -c, openssl, ffmpeg, SIPp clients): found
 * with `findProgram` (a missing one fails naming its Debian package), started and, when it takes
 * too long, ended by PID through testing/process.ts.
 */
import { findProgram } from "../../testing/daemons.ts";
import { startProcess } from "../../testing/process.ts";

/** How a finished run went. */
export interface RunResult {
  /** Exit code; -1 when it was killed (a timeout) or could not start. */
  code: number;
  /** stdout and stderr, interleaved as printed. */
  output: string;
}

/** Everything a run printed is kept up to this many characters (the end of it). */
const OUTPUT_CHARS = 256 * 1024;

/** Runs `program` with `args`; SIGTERM (then SIGKILL) by PID once `timeoutMs` has passed. */
export async function runToEnd(
  program: string,
  args: string[],
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const proc = startProcess(program, findProgram(program), args, { cwd: opts.cwd });
  const timer = setTimeout(() => proc.stop(1000), opts.timeoutMs ?? 60_000);
  try {
    const code = await proc.exit;
    return { code: code ?? -1, output: proc.output(OUTPUT_CHARS) };
  } finally {
    clearTimeout(timer);
    await proc.stop();
  }
}

/** Like `runToEnd`, but a non-zero exit throws with what the program printed. */
export async function runChecked(
  program: string,
  args: string[],
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  const { code, output } = await runToEnd(program, args, opts);
  if (code !== 0) throw new Error(`${program} ${args[0] ?? ""} failed (exit ${code}):\n${output}`);
  return output;
}

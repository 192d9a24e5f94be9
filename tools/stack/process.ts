/** The stack's child processes: one log file each in the stack's work dir, ended by PID. */
import { startProcess, type TrackedProcess } from "../../testing/process.ts";

export const DEFAULT_ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** Starts one component, its output appended to `<workDir>/<name>.log`. */
export function spawn(
  name: string,
  cmd: string,
  args: string[],
  workDir: string,
  env: Record<string, string> = {},
  cwd?: string,
): TrackedProcess {
  return startProcess(name, cmd, args, { env, cwd, logFile: `${workDir}/${name}.log` });
}

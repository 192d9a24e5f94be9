/** Tools from npm that the test command and the local stack need on PATH. */

export const BUN_VERSION = "1.4.5";

async function works(command: string, args: string[], env?: Record<string, string>) {
  try {
    const output = await new Deno.Command(command, { args, env, stdout: "piped", stderr: "null" })
      .output();
    return output.success ? new TextDecoder().decode(output.stdout).trim() : null;
  } catch {
    return null;
  }
}

/**
 * Makes Bun available: the one on PATH when it is the pinned version, otherwise the pinned
 * version installed from npm into a cache outside the repository. Returns the PATH to use.
 */
export async function ensureBun(path = Deno.env.get("PATH") ?? ""): Promise<string> {
  if (await works("bun", ["--version"]) === BUN_VERSION) return path;
  const home = Deno.env.get("HOME") ?? "/tmp";
  const prefix = `${home}/.cache/careflow/bun-${BUN_VERSION}`;
  const bin = `${prefix}/node_modules/.bin`;
  const withBun = `${bin}:${path}`;
  if (await works(`${bin}/bun`, ["--version"]) !== BUN_VERSION) {
    console.log(`installing bun ${BUN_VERSION} from npm into ${prefix}`);
    await new Deno.Command("npm", {
      args: ["install", "--no-save", "--no-package-lock", "--prefix", prefix, `bun@${BUN_VERSION}`],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
  }
  return withBun;
}

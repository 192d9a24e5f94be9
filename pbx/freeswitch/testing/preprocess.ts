/**
 * A model of FreeSWITCH 1.10's XML preprocessor (preprocess() in src/switch_xml.c, v1.10.12), so
 * the tests see the configuration as FreeSWITCH will before it parses it, for a given environment:
 * - it reads files line by line and first replaces every $${name} with that global (empty when
 *   there is none);
 * - it drops lines holding "<include>", "</include>" or "<?", and lines naming the preprocessor
 *   element (case-insensitive) anywhere but right after a "<";
 * - set name=value, env-set name=$VAR (only when VAR is set), exec-set name=command (the output,
 *   trailing spaces and newlines cut, when it was not empty before the cut), include (relative to the including file's
 *   folder), exec (output pasted in place); commands run through /bin/sh as FreeSWITCH's popen
 *   and system() do;
 * - a value stored as a global has each "${" turned into "%{" (switch_core_set_variable).
 */
import { dirname, join } from "node:path";

export interface Preprocessed {
  /** The text FreeSWITCH would parse. */
  text: string;
  globals: Map<string, string>;
  /** $${name} uses that found no global at that point, with where. */
  undefinedUses: string[];
  /** Commands other than set, env-set, exec-set, include and exec (stun-set above all). */
  otherCommands: string[];
}

function sh(command: string, env: Record<string, string>): string {
  const out = new Deno.Command("/bin/sh", {
    args: ["-c", command],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).outputSync();
  return new TextDecoder().decode(out.stdout);
}

/** Preprocesses `file` (freeswitch.xml) with `env` as the process environment. */
export function preprocess(
  file: string,
  env: Record<string, string>,
  builtins: Record<string, string>,
): Preprocessed {
  const globals = new Map(Object.entries(builtins));
  const result: Preprocessed = { text: "", globals, undefinedUses: [], otherCommands: [] };
  const setGlobal = (name: string, value: string) =>
    globals.set(name, value.replace(/\$\{/g, "%{"));
  const out: string[] = [];

  const run = (path: string, depth: number) => {
    if (depth > 100) throw new Error(`include loop at ${path}`);
    const lines = Deno.readTextFileSync(path).split("\n");
    lines.forEach((raw, index) => {
      const line = raw.replace(/\$\$\{([^}]*)\}/g, (_, name: string) => {
        if (!globals.has(name)) result.undefinedUses.push(`${path}:${index + 1} $\${${name}}`);
        return globals.get(name) ?? "";
      });
      if (line.includes("<include>") || line.includes("</include>") || line.includes("<?")) return;
      const at = line.toLowerCase().indexOf("x-pre-process");
      if (at < 0) {
        out.push(line);
        return;
      }
      if (line[at - 1] !== "<") return;
      const found = /cmd\s*=\s*"([^"]*)"[^]*?data\s*=\s*"([^"]*)"/i.exec(line.slice(at));
      if (!found) return;
      const [, cmd, data] = found;
      const eq = data.indexOf("=");
      const name = eq < 0 ? data : data.slice(0, eq).trim();
      const value = eq < 0 ? "" : data.slice(eq + 1).replace(/^ +/, "");
      switch (cmd.toLowerCase()) {
        case "set":
          if (eq >= 0) setGlobal(name, value);
          break;
        case "env-set":
          if (value.startsWith("$") && env[value.slice(1)] !== undefined) {
            setGlobal(name, env[value.slice(1)]);
          }
          break;
        case "exec-set": {
          // FreeSWITCH tests the output for emptiness before it cuts trailing spaces and
          // newlines: a lone "\n" (echo of nothing) sets the global to "".
          const printed = sh(value, env);
          if (printed !== "") setGlobal(name, printed.replace(/[ \n]+$/, ""));
          break;
        }
        case "include":
          run(join(dirname(path), data), depth + 1);
          break;
        case "exec":
          out.push(sh(data, env));
          break;
        default:
          result.otherCommands.push(`${path}:${index + 1} ${cmd}`);
      }
    });
  };
  run(file, 0);
  result.text = out.join("\n");
  return result;
}

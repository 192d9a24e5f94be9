/**
 * The shape the codebase keeps, as tests: no source file over 400 lines and no function over
 * 120 lines, so each stays readable in one sitting. Configuration and lock files are exempt.
 */
import assert from "node:assert/strict";
import ts from "typescript";

const ROOT = new URL("../", import.meta.url).pathname;
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 120;

/** Source files git knows (tracked, or new and not ignored). */
async function sourceFiles(pattern: RegExp): Promise<string[]> {
  const output = await new Deno.Command("git", {
    args: ["ls-files", "--cached", "--others", "--exclude-standard"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(output.stdout).split("\n").filter((file) =>
    pattern.test(file) && !file.startsWith("node_modules/")
  ).filter((file) => {
    try {
      return Deno.statSync(ROOT + file).isFile;
    } catch {
      return false; // deleted in the working tree
    }
  });
}

/** Functions (of any kind) longer than the limit, as `file:line name (N lines)`. */
function longFunctions(file: string, text: string): string[] {
  const kind = file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.end).line;
      const lines = last - first + 1;
      if (lines > MAX_FUNCTION_LINES) {
        const name = node.name?.getText(source) ?? "(anonymous)";
        found.push(`${file}:${first + 1} ${name} (${lines} lines)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

Deno.test("no source file is over 400 lines", async () => {
  const long: string[] = [];
  for (const file of await sourceFiles(/\.(ts|tsx|css|sh)$/)) {
    const lines = (await Deno.readTextFile(ROOT + file)).split("\n").length;
    if (lines > MAX_FILE_LINES) long.push(`${file} (${lines} lines)`);
  }
  assert.deepEqual(long, [], "split these along their concerns");
});

Deno.test("no function is over 120 lines", async () => {
  const long: string[] = [];
  for (const file of await sourceFiles(/\.(ts|tsx)$/)) {
    long.push(...longFunctions(file, await Deno.readTextFile(ROOT + file)));
  }
  assert.deepEqual(long, [], "split these into named parts");
});

Deno.test("the calls domain (web/calls) imports no storage module; storage imports the domain", async () => {
  const offenders: string[] = [];
  for (const file of await sourceFiles(/^web\/calls\/.*\.ts$/)) {
    const text = await Deno.readTextFile(ROOT + file);
    // Static imports and re-exports (`... from "x"`) and dynamic ones (`import("x")`).
    for (const match of text.matchAll(/(?:\bfrom|\bimport\()\s*"([^"]+)"/g)) {
      if (/\/store\//.test(match[1])) offenders.push(`${file} imports ${match[1]}`);
    }
  }
  assert.deepEqual(offenders, []);
});

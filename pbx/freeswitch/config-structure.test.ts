/**
 * pbx/freeswitch, checked without FreeSWITCH (not packaged for Debian 12): every XML file
 * well-formed (our reader and xmllint, also as FreeSWITCH preprocesses it), preprocessor lines
 * FreeSWITCH reads as meant, and every include resolves to a file that exists.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CONF_DIR, instructions, parsed } from "./testing/config-files.ts";
import { ALL_INSTRUCTIONS, FILES, FULL_ENV, preprocessed, which } from "./testing/config-shared.ts";

Deno.test("every XML file is well-formed", () => {
  assert.ok(FILES.length >= 15, `only ${FILES.length} XML files found`);
  for (const f of FILES) {
    try {
      parsed(f);
    } catch (error) {
      assert.fail(`${f.rel}: ${(error as Error).message}`);
    }
  }
});

const XMLLINT = which("xmllint");
if (!XMLLINT) console.log("xmllint not installed (Debian libxml2-utils): its check is skipped");
Deno.test({
  name: "xmllint finds every XML file well-formed, also as FreeSWITCH preprocesses it",
  ignore: !XMLLINT,
  fn() {
    const expanded = Deno.makeTempFileSync({ suffix: ".xml" });
    try {
      Deno.writeTextFileSync(expanded, preprocessed(FULL_ENV).text);
      const out = new Deno.Command(XMLLINT!, {
        args: ["--noout", ...FILES.map((f) => f.path), expanded],
        stderr: "piped",
      }).outputSync();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
    } finally {
      Deno.removeSync(expanded);
    }
  },
});

Deno.test("preprocessor lines are ones FreeSWITCH reads as meant", () => {
  for (const f of FILES) {
    const { found, malformed } = instructions(f);
    // The preprocessor acts on any line naming its element: alone on the line, never in comments.
    assert.deepEqual(malformed, [], "instructions alone on their line, never in a comment");
    for (const i of found) {
      assert.ok(
        ["set", "env-set", "exec-set", "include", "exec"].includes(i.cmd),
        `${i.file}:${i.line}: ${i.cmd} (stun-set would look up an address at every start)`,
      );
    }
    const lines = f.text.split("\n");
    lines.forEach((line, index) => {
      const where = `${f.rel}:${index + 1}`;
      // Lines holding these are dropped whole; "<!--#" starts the preprocessor's own comments.
      if (/<\/?include>/.test(line)) assert.match(line, /^\s*<\/?include>\s*$/, where);
      if (line.includes("<?")) assert.ok(f.rel === "freeswitch.xml" && index === 0, where);
      assert.ok(!line.includes("<!--#"), where);
      // Variable expansion turns "\\" into "\": a regex or value with one would change.
      assert.ok(!line.includes("\\\\"), `${where}: double backslash`);
    });
    const root = parsed(f);
    if (f.rel === "freeswitch.xml") {
      assert.equal(root.name, "document");
      assert.equal(root.attrs.type, "freeswitch/xml");
    } else {
      assert.equal(root.name, "include", `${f.rel}: root element`);
      assert.match(lines[0], /^<include>$/, `${f.rel}: <include> first, alone`);
    }
  }
});

Deno.test("every include resolves, and every XML file is included exactly once", () => {
  const included = ALL_INSTRUCTIONS.filter((i) => i.cmd === "include").map((i) => i.data);
  for (const rel of included) {
    assert.ok(!/[*?[]/.test(rel), `${rel}: name files, no globs`);
    assert.ok(existsSync(join(CONF_DIR, rel)), `${rel} does not exist`);
  }
  assert.deepEqual(
    [...included].sort(),
    FILES.map((f) => f.rel).filter((rel) => rel !== "freeswitch.xml").sort(),
  );
  // Only freeswitch.xml includes: paths are relative to the including file's folder.
  for (const i of ALL_INSTRUCTIONS.filter((i) => i.cmd === "include")) {
    assert.equal(i.file, "freeswitch.xml");
  }
  const execs = ALL_INSTRUCTIONS.filter((i) => i.cmd === "exec");
  assert.deepEqual(execs.map((i) => i.data), ["sh '$${conf_dir}/preflight.sh'"]);
  assert.ok(existsSync(join(CONF_DIR, "preflight.sh")));
});

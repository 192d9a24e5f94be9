/**
 * `kamailio -c` on the repository's config: with default settings, with every switch and
 * overridden ports, every routing-script file included, and a broken line in each file refused.
 * Run with `deno test -A pbx`.
 */
import assert from "node:assert/strict";
import { freePorts } from "../../testing/ports.ts";
import { kamailioTlsConfig } from "../testing/pki.ts";
import { runToEnd } from "../testing/run.ts";

const DIR = new URL(".", import.meta.url).pathname;
const CFG = `${DIR}kamailio.cfg`;
/** Kamailio's own config format, not routing script: read by the TLS module, never included. */
const NOT_SCRIPT = ["tls.cfg"];

async function syntaxCheck(
  defines: string[],
  opts: { cfg?: string; cwd?: string } = {},
): Promise<{ code: number; text: string }> {
  const args = ["-c", "-f", opts.cfg ?? CFG, ...defines.flatMap((d) => ["-A", d])];
  const { code, output } = await runToEnd("kamailio", args, { cwd: opts.cwd });
  return { code, text: output };
}

/** Files named by uncommented `include_file`/`import_file` lines, followed into each one. */
async function includedFiles(dir: string, file = "kamailio.cfg"): Promise<string[]> {
  const text = await Deno.readTextFile(`${dir}/${file}`);
  const names = [...text.matchAll(/^[ \t]*(?:#!)?(?:include|import)_file[ \t]+"([^"]+)"/gm)]
    .map((m) => m[1]);
  const nested = await Promise.all(names.map((name) => includedFiles(dir, name)));
  return [...names, ...nested.flat()];
}

/** The `.cfg` files in `dir` that are routing script (everything but NOT_SCRIPT). */
async function scriptFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".cfg") && !NOT_SCRIPT.includes(entry.name)) {
      names.push(entry.name);
    }
  }
  return names.sort();
}

/** Drops the ";" of the first statement that ends in ");", the mistake a hasty edit makes. */
function breakFirstStatement(text: string): string {
  const broken = text.replace(/^([ \t]*[^#\s].*\));([ \t]*)$/m, "$1$2");
  if (broken !== text) return broken;
  // A file of module parameters has no ';': leave its first modparam unclosed.
  const unclosed = text.replace(/^(modparam\(.*)\)([ \t]*)$/m, "$1$2");
  assert.notEqual(unclosed, text, "no statement ending in ');' or modparam to break");
  return unclosed;
}

Deno.test("kamailio.cfg passes `kamailio -c` with default settings", async () => {
  // From an empty working directory: includes must resolve next to kamailio.cfg, not the cwd.
  const cwd = await Deno.makeTempDir({ prefix: "careflow-cwd-" });
  try {
    const { code, text } = await syntaxCheck([], { cwd });
    assert.equal(code, 0, text);
    assert.match(text, /config file ok/);
    // WS and the loopback-only RPC socket are there, TLS is not.
    assert.match(text, /tcp: 127\.0\.0\.1 \[127\.0\.0\.1\]:8080/);
    assert.doesNotMatch(text, /tls:/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("kamailio.cfg passes `kamailio -c` with every switch and overridden ports", async () => {
  const dir = await Deno.makeTempDir({ prefix: "careflow-tls-" });
  try {
    // A throw-away certificate so the TLS module can load its configuration.
    const tls = await kamailioTlsConfig(dir);
    // Never bound by `-c`, but free ones all the same: no test names a fixed port.
    const port = await freePorts("sip", "tls", "wss", "ws", "rpc", "trunk");
    const { code, text } = await syntaxCheck([
      ...["WITH_TLS", "WITH_TRUNK", "WITH_FREESWITCH", "WITH_REDIS_USRLOC", "WITH_DEBUG"],
      // Ignored beside WITH_FREESWITCH (whose CDRs are the records), and checked alone below.
      "WITH_CALL_RECORDS",
      ...[`SIP_PORT=${port.sip}`, `TLS_PORT=${port.tls}`, `WSS_PORT=${port.wss}`],
      ...[`WS_PORT=${port.ws}`, `RPC_PORT=${port.rpc}`, `TLS_CONFIG="${tls.config}"`],
      `TRUNK_URI="sip:127.0.0.1:${port.trunk}"`,
    ], { cwd: dir });
    assert.equal(code, 0, text);
    const listener = (proto: string, port: number) =>
      new RegExp(`${proto}: 127\\.0\\.0\\.1 \\[127\\.0\\.0\\.1\\]:${port}\\b`);
    assert.match(text, listener("tls", port.tls));
    assert.match(text, listener("tls", port.wss));
    assert.match(text, listener("udp", port.sip));
    assert.match(text, listener("tcp", port.rpc));

    const bench = await syntaxCheck(["WITH_SQLITE_AUTH", "WITHOUT_PIKE"], { cwd: dir });
    assert.equal(bench.code, 0, bench.text);
    const records = await syntaxCheck(["WITH_CALL_RECORDS", "WITH_TRUNK"], { cwd: dir });
    assert.equal(records.code, 0, records.text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every routing-script .cfg in pbx/kamailio is included from kamailio.cfg", async () => {
  // A file left out would be skipped by every check here and by Kamailio itself.
  const included = await includedFiles(DIR);
  assert.equal(new Set(included).size, included.length, `included twice: ${included}`);
  assert.deepEqual(
    [...included, "kamailio.cfg"].sort(),
    await scriptFiles(DIR),
    "include_file lines in kamailio.cfg and the .cfg files beside it differ",
  );
  // include_file, not import_file: import_file skips a missing file without a word.
  const main = await Deno.readTextFile(CFG);
  assert.doesNotMatch(main, /^[ \t]*(?:#!)?import_file/m);
});

Deno.test("a syntax error in any routing-script file is refused by `kamailio -c`", async (t) => {
  // Proves the checks above can fail and that they read every file: a copy of the whole
  // directory, then one broken line in one file at a time.
  const dir = await Deno.makeTempDir({ prefix: "careflow-bad-" });
  const cwd = await Deno.makeTempDir({ prefix: "careflow-cwd-" });
  try {
    const files = await scriptFiles(DIR);
    assert.ok(files.length > 1, `expected kamailio.cfg and its included files, got ${files}`);
    for (const name of files) await Deno.copyFile(`${DIR}${name}`, `${dir}/${name}`);
    const copy = `${dir}/kamailio.cfg`;

    // With the switch whose file is all behind it (records.cfg), so its statements are parsed.
    const switches = ["WITH_CALL_RECORDS"];
    const intact = await syntaxCheck(switches, { cfg: copy, cwd });
    assert.equal(intact.code, 0, `the unbroken copy must pass:\n${intact.text}`);

    for (const name of files) {
      await t.step(name, async () => {
        const path = `${dir}/${name}`;
        const original = await Deno.readTextFile(path);
        const broken = name === "kamailio.cfg"
          ? original.replace("route(REQINIT);", "route(REQINIT)")
          : breakFirstStatement(original);
        assert.notEqual(broken, original);
        await Deno.writeTextFile(path, broken);
        try {
          const { code, text } = await syntaxCheck(switches, { cfg: copy, cwd });
          assert.notEqual(code, 0, text);
          // The error is reported in the broken file itself.
          assert.ok(text.includes(`parse error in config file ${path}, line`), text);
        } finally {
          await Deno.writeTextFile(path, original);
        }
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(cwd, { recursive: true });
  }
});

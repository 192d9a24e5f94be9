/**
 * `kamailio -c` on the repository's config: with default settings, with every switch and
 * overridden ports, every routing-script file included, and a broken line in each file refused.
 * Run with `deno test -A pbx`.
 */
import assert from "node:assert/strict";

const DIR = new URL(".", import.meta.url).pathname;
const CFG = `${DIR}kamailio.cfg`;
/** Kamailio's own config format, not routing script: read by the TLS module, never included. */
const NOT_SCRIPT = ["tls.cfg"];

async function syntaxCheck(
  defines: string[],
  opts: { cfg?: string; cwd?: string } = {},
): Promise<{ code: number; text: string }> {
  const out = await new Deno.Command("kamailio", {
    args: ["-c", "-f", opts.cfg ?? CFG, ...defines.flatMap((d) => ["-A", d])],
    cwd: opts.cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
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
  assert.notEqual(broken, text, "no statement ending in ');' to break");
  return broken;
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
    const cert = await new Deno.Command("openssl", {
      args: [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=careflow.test",
        "-keyout",
        `${dir}/key.pem`,
        "-out",
        `${dir}/cert.pem`,
      ],
      stdout: "null",
      stderr: "null",
    }).output();
    assert.equal(cert.code, 0, "openssl could not make a test certificate");
    await Deno.writeTextFile(
      `${dir}/tls.cfg`,
      `[server:default]\nmethod = TLSv1.2+\nprivate_key = ${dir}/key.pem\ncertificate = ${dir}/cert.pem\n`,
    );
    const { code, text } = await syntaxCheck([
      "WITH_TLS",
      "WITH_TRUNK",
      "WITH_FREESWITCH",
      "WITH_DEBUG",
      "SIP_PORT=15098",
      "TLS_PORT=15097",
      "WSS_PORT=18099",
      "WS_PORT=18098",
      "RPC_PORT=15179",
      `TLS_CONFIG="${dir}/tls.cfg"`,
      'TRUNK_URI="sip:127.0.0.1:15096"',
    ], { cwd: dir });
    assert.equal(code, 0, text);
    assert.match(text, /tls: 127\.0\.0\.1 \[127\.0\.0\.1\]:15097/);
    assert.match(text, /tls: 127\.0\.0\.1 \[127\.0\.0\.1\]:18099/);
    assert.match(text, /udp: 127\.0\.0\.1 \[127\.0\.0\.1\]:15098/);
    assert.match(text, /tcp: 127\.0\.0\.1 \[127\.0\.0\.1\]:15179/);

    const bench = await syntaxCheck(["WITH_SQLITE_AUTH", "WITHOUT_PIKE"], { cwd: dir });
    assert.equal(bench.code, 0, bench.text);
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

    const intact = await syntaxCheck([], { cfg: copy, cwd });
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
          const { code, text } = await syntaxCheck([], { cfg: copy, cwd });
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

/**
 * `kamailio -c` on the repository's config: with default settings, with every switch and
 * overridden ports, and a deliberately broken copy that must be refused.
 * Run with `deno test -A pbx`.
 */
import assert from "node:assert/strict";

const CFG = new URL("./kamailio.cfg", import.meta.url).pathname;

async function syntaxCheck(defines: string[]): Promise<{ code: number; text: string }> {
  const out = await new Deno.Command("kamailio", {
    args: ["-c", "-f", CFG, ...defines.flatMap((d) => ["-A", d])],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

Deno.test("kamailio.cfg passes `kamailio -c` with default settings", async () => {
  const { code, text } = await syntaxCheck([]);
  assert.equal(code, 0, text);
  assert.match(text, /config file ok/);
  // WS and the loopback-only RPC socket are there, TLS is not.
  assert.match(text, /tcp: 127\.0\.0\.1 \[127\.0\.0\.1\]:8080/);
  assert.doesNotMatch(text, /tls:/);
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
    ]);
    assert.equal(code, 0, text);
    assert.match(text, /tls: 127\.0\.0\.1 \[127\.0\.0\.1\]:15097/);
    assert.match(text, /tls: 127\.0\.0\.1 \[127\.0\.0\.1\]:18099/);
    assert.match(text, /udp: 127\.0\.0\.1 \[127\.0\.0\.1\]:15098/);
    assert.match(text, /tcp: 127\.0\.0\.1 \[127\.0\.0\.1\]:15179/);

    const bench = await syntaxCheck(["WITH_SQLITE_AUTH", "WITHOUT_PIKE"]);
    assert.equal(bench.code, 0, bench.text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kamailio.cfg with a syntax error is refused by `kamailio -c`", async () => {
  // Proves the check above can fail: the same config with one broken line.
  const dir = await Deno.makeTempDir({ prefix: "careflow-bad-" });
  try {
    const text = (await Deno.readTextFile(CFG)).replace("route(REQINIT);", "route(REQINIT)");
    await Deno.writeTextFile(`${dir}/bad.cfg`, text);
    const out = await new Deno.Command("kamailio", {
      args: ["-c", "-f", `${dir}/bad.cfg`],
      stdout: "null",
      stderr: "null",
    }).output();
    assert.notEqual(out.code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

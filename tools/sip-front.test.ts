/**
 * The compose stack's SIP front (ops/compose/sip-front-entrypoint.sh, pbx/haproxy): with the
 * environment docker-compose.yml gives it, the entrypoint renders a configuration HAProxy's own
 * check accepts, with and without the TLS ports, and refuses a bad setting before HAProxy runs.
 * The front's behaviour itself is proven on real processes in pbx/kamailio/connections.test.ts.
 */
import assert from "node:assert/strict";
import { findProgram } from "../testing/daemons.ts";

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

function check(env: Record<string, string>) {
  const haproxy = findProgram("haproxy");
  return new Deno.Command("sh", {
    args: [`${ROOT}/ops/compose/sip-front-entrypoint.sh`, "check"],
    clearEnv: true,
    env: {
      KAMAILIO_SIP_IP: "127.0.0.1",
      HAPROXY_CFG_DIR: `${ROOT}/pbx/haproxy`,
      PATH: `${haproxy.slice(0, haproxy.lastIndexOf("/"))}:/usr/bin:/bin`,
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test("the SIP front's entrypoint renders a configuration HAProxy accepts", async () => {
  const variants: Record<string, string>[] = [{}, {
    KAMAILIO_TLS: "yes",
    CONNECTIONS_PER_SOURCE: "32",
  }];
  for (const env of variants) {
    const result = await check(env);
    const output = new TextDecoder().decode(result.stdout) +
      new TextDecoder().decode(result.stderr);
    assert.ok(result.success, output);
    assert.match(output, /Configuration file is valid/);
  }
  const bad = await check({ CONNECTIONS_PER_SOURCE: "lots" });
  assert.equal(bad.code, 64);
  assert.match(new TextDecoder().decode(bad.stderr), /CONNECTIONS_PER_SOURCE must be a number/);
  const noIp = await check({ KAMAILIO_SIP_IP: "" });
  assert.equal(noIp.code, 64);
});

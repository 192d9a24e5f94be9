/**
 * Kamailio's own figures on the agent's `/metrics`: tools/stack's Kamailio, read over its JSON-RPC
 * (`agent/src/kamailio/stats.ts`) at each scrape. A REGISTER (challenged, then sent again) shows
 * as two received, one accepted and a registered user; with Kamailio gone, `careflow_kamailio_up`
 * says so and no stale figure is left.
 * Run with `deno test -A pbx/kamailio/stats.test.ts`.
 */
import assert from "node:assert/strict";
import { registerKamailioStats } from "../../agent/src/kamailio/stats.ts";
import { Registry } from "../../agent/src/metrics/registry.ts";
import { startStack } from "../../tools/stack/stack.ts";
import { describe, putSubscriber, sipp } from "../testing/kit.ts";

const DOMAIN = "careflow.test";
const ANN = "care4w-1000001";
const sample = (text: string, series: string) =>
  Number(text.split("\n").find((line) => line.startsWith(`${series} `))?.split(" ")[1] ?? NaN);

Deno.test({
  name: "Kamailio's requests, challenges and registered users reach the agent's metrics",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startStack({ sipDomain: DOMAIN });
    const registry = new Registry();
    registerKamailioStats(registry, stack.rpc);
    let stopped = false;
    try {
      const before = await registry.render();
      assert.equal(sample(before, "careflow_kamailio_up"), 1);
      assert.equal(sample(before, "careflow_kamailio_registered_users"), 0);
      assert.equal(await putSubscriber(stack, ANN, [...ANN].reverse().join("")), 200);
      const r = await sipp({
        scenario: "register-200.xml",
        target: `127.0.0.1:${stack.ports.sip}`,
        calls: [{ user: ANN, authUser: ANN, password: [...ANN].reverse().join("") }],
        domain: DOMAIN,
        workDir: stack.workDir,
        expires: 3600,
      });
      assert.equal(r.code, 0, describe(r));
      // Kamailio got the HA1 with its credential; any other local process gets none.
      const probe = await fetch(
        `${stack.urls.agent}/kamailio/auth?user=${ANN}&realm=${DOMAIN}`,
      );
      assert.equal(probe.status, 401);
      assert.doesNotMatch(await probe.text(), /[0-9a-f]{32}/);
      // Nor does the credential show on Kamailio's command line, which every local user can read.
      const kamailio = stack.processes.find((p) => p.name === "kamailio")!;
      const cmdline = await Deno.readTextFile(`/proc/${kamailio.pid}/cmdline`);
      assert.ok(cmdline.includes("AGENT_HTTP_CONFIG"));
      assert.ok(!cmdline.includes(stack.kamailioApiSecret), "no secret in the process list");
      const after = await registry.render();
      assert.equal(sample(after, "careflow_kamailio_registered_users"), 1);
      assert.ok(
        sample(after, "careflow_kamailio_registers_received_total") >= 2,
        "REGISTER, again",
      );
      assert.equal(sample(after, "careflow_kamailio_registrations_accepted_total"), 1);
      assert.equal(sample(after, "careflow_kamailio_registrations_rejected_total"), 0);
      assert.ok(
        sample(after, "careflow_kamailio_requests_received_total") >=
          sample(before, "careflow_kamailio_requests_received_total") + 2,
      );
      await stack.stop();
      stopped = true;
      const gone = await registry.render();
      assert.equal(sample(gone, "careflow_kamailio_up"), 0);
      assert.equal(sample(gone, "careflow_kamailio_registered_users"), 0, "no stale figures");
    } finally {
      if (!stopped) await stack.stop();
    }
  },
});

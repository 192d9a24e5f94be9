/** Reading the agent's registration gauges, and a probe of an agent that hangs. */
import assert from "node:assert/strict";
import { createAgentProbe, registrationsFromMetrics } from "./agent-probe.ts";

const EXPOSITION =
  `# HELP careflow_agent_registrations SIP contacts registered at Kamailio now, by transport.
# TYPE careflow_agent_registrations gauge
careflow_agent_registrations{transport="udp"} 4
careflow_agent_registrations{transport="wss"} 2
careflow_agent_registrations{transport="other"} 0
# TYPE careflow_agent_evapi_connected gauge
careflow_agent_evapi_connected 1
`;

Deno.test("registrations are summed by transport from the agent's exposition", () => {
  assert.deepEqual(registrationsFromMetrics(EXPOSITION), {
    status: "available",
    total: 6,
    byTransport: { udp: 4, wss: 2, other: 0 },
  });
});

Deno.test("no registration series, or a lost Kamailio connection: not available", () => {
  assert.equal(registrationsFromMetrics("careflow_agent_auth_total 3\n").status, "not-available");
  const stale = EXPOSITION.replace(
    "careflow_agent_evapi_connected 1",
    "careflow_agent_evapi_connected 0",
  );
  assert.equal(registrationsFromMetrics(stale).status, "not-available");
  const bogus = 'careflow_agent_registrations{transport="udp"} NaN\n';
  assert.equal(registrationsFromMetrics(bogus).status, "not-available", "no invented number");
});

Deno.test("an agent that does not answer in time is unreachable, and the probe still settles", async () => {
  const hanging: typeof fetch = (_input, init) =>
    new Promise((_, reject) =>
      init?.signal?.addEventListener("abort", () => reject(init.signal!.reason))
    );
  const probe = createAgentProbe({ agentUrl: "http://agent.test/", fetch: hanging, timeoutMs: 50 });
  const result = await probe();
  assert.deepEqual(result.agent, { status: "unreachable", reason: "TimeoutError" });
  assert.equal(result.registrations.status, "not-available");
});

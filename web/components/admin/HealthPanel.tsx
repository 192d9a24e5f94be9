/** System health in the Admin section, as `GET /api/admin/health` reads it (server-rendered). */
import type { SystemHealth } from "../../admin/health.ts";

/** The agent's line: reachable, unhealthy, unreachable or not configured. */
function agentText(agent: SystemHealth["agent"]): string {
  switch (agent.status) {
    case "not-configured":
      return "Not configured (SIP is off)";
    case "ok":
      return `Reachable (${agent.latencyMs} ms)`;
    case "unhealthy":
      return `Answering, but unhealthy (HTTP ${agent.httpStatus})`;
    case "unreachable":
      return `Unreachable (${agent.reason})`;
  }
}

function registrationsText(registrations: SystemHealth["registrations"]): string {
  switch (registrations.status) {
    case "not-configured":
      return "Not configured (SIP is off)";
    case "not-available":
      return `Not available: ${registrations.reason}`;
    case "available": {
      const parts = Object.entries(registrations.byTransport).filter(([, n]) => n > 0)
        .map(([transport, n]) => `${n} ${transport}`);
      return `${registrations.total} registered${parts.length ? ` (${parts.join(", ")})` : ""}`;
    }
  }
}

function outboxText(outbox: SystemHealth["outbox"]): string {
  if (outbox.pending === null) return "Could not be read";
  if (outbox.pending === 0) return "Empty: the agent has every change";
  const count = `${outbox.capped ? "At least " : ""}${outbox.pending} waiting`;
  const since = outbox.oldestQueuedAt ? `, oldest since ${outbox.oldestQueuedAt}` : "";
  return count + since;
}

/** The figures as a definition list, each with whether it looks well. */
export function HealthPanel(props: { health: SystemHealth }) {
  const { health } = props;
  const rows: [string, string, "ok" | "warn" | "off"][] = [
    [
      "SIP agent",
      agentText(health.agent),
      health.agent.status === "ok"
        ? "ok"
        : health.agent.status === "not-configured"
        ? "off"
        : "warn",
    ],
    [
      "Agent outbox",
      outboxText(health.outbox) +
      (health.outbox.retryingHere ? ` (${health.outbox.retryingHere} retrying here)` : ""),
      health.outbox.pending === 0 ? "ok" : "warn",
    ],
    [
      "SIP registrations",
      registrationsText(health.registrations),
      health.registrations.status === "available"
        ? "ok"
        : health.registrations.status === "not-configured"
        ? "off"
        : "warn",
    ],
    [
      "Signaling sockets (this server)",
      health.signaling.sockets === null ? "Not available" : `${health.signaling.sockets} open`,
      health.signaling.sockets === null ? "warn" : "ok",
    ],
  ];
  return (
    <>
      <dl class="health" data-testid="system-health">
        {rows.map(([label, value, state]) => (
          <div key={label} data-state={state}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p class="hint">
        Checked{" "}
        <time dateTime={health.checkedAt}>{`${health.checkedAt.slice(11, 19)} UTC`}</time>. The same
        figures as JSON: <a href="/api/admin/health">/api/admin/health</a>.
      </p>
    </>
  );
}

/**
 * A cheap look at the agent for the admin section's health panel: `GET /healthz` (the agent
 * answers 200 while its Redis answers) and the registration gauges of its `GET /metrics`. Both
 * are the agent's unsigned operational endpoints; nothing here changes anything on the agent.
 */

/** How the agent answered `/healthz`. */
export type AgentReachability =
  | { status: "ok"; latencyMs: number }
  | { status: "unhealthy"; httpStatus: number; latencyMs: number }
  | { status: "unreachable"; reason: string };

/** SIP registrations as the agent reports them; never a number the agent did not give. */
export type AgentRegistrations =
  | { status: "available"; total: number; byTransport: Record<string, number> }
  | { status: "not-available"; reason: string };

/** One look at the agent. */
export interface AgentProbeResult {
  agent: AgentReachability;
  registrations: AgentRegistrations;
}

/** Looks at the agent; never rejects. */
export type AgentProbe = () => Promise<AgentProbeResult>;

const REGISTRATIONS = /^careflow_agent_registrations\{([^}]*)\}\s+(\S+)/gm;
const EVAPI = /^careflow_agent_evapi_connected(?:\{\})?\s+(\S+)/m;
const TRANSPORT = /transport="([^"]*)"/;

/**
 * The registrations in a Prometheus text exposition of the agent. Not available when the agent
 * has no such series (it runs without Kamailio's registration events) or says it is not
 * connected to them (its counts would be stale).
 */
export function registrationsFromMetrics(text: string): AgentRegistrations {
  const byTransport: Record<string, number> = {};
  for (const [, labels, value] of text.matchAll(REGISTRATIONS)) {
    const count = Number(value);
    if (!Number.isFinite(count) || count < 0) continue;
    const transport = labels.match(TRANSPORT)?.[1] ?? "other";
    byTransport[transport] = (byTransport[transport] ?? 0) + count;
  }
  if (Object.keys(byTransport).length === 0) {
    return {
      status: "not-available",
      reason: "The agent does not report registrations (Kamailio's events are not set up).",
    };
  }
  const connected = text.match(EVAPI);
  if (connected && Number(connected[1]) !== 1) {
    return {
      status: "not-available",
      reason: "The agent is not connected to Kamailio's registration events right now.",
    };
  }
  const total = Object.values(byTransport).reduce((sum, n) => sum + n, 0);
  return { status: "available", total, byTransport };
}

/** A probe of the agent at `agentUrl` (its base, as for subscriber pushes). */
export function createAgentProbe(options: {
  agentUrl: string;
  fetch?: typeof fetch;
  /** Per request; the health panel must not hang on a stuck agent. */
  timeoutMs?: number;
}): AgentProbe {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 2000;
  const get = (path: string) =>
    doFetch(options.agentUrl.replace(/\/+$/, "") + path, {
      signal: AbortSignal.timeout(timeoutMs),
    });

  const reachability = async (): Promise<AgentReachability> => {
    const started = performance.now();
    try {
      const response = await get("/healthz");
      await response.body?.cancel();
      const latencyMs = Math.round(performance.now() - started);
      return response.ok
        ? { status: "ok", latencyMs }
        : { status: "unhealthy", httpStatus: response.status, latencyMs };
    } catch (error) {
      // The error's name only (TimeoutError, TypeError): messages may carry addresses.
      return { status: "unreachable", reason: (error as Error).name };
    }
  };

  const registrations = async (): Promise<AgentRegistrations> => {
    try {
      const response = await get("/metrics");
      if (!response.ok) {
        await response.body?.cancel();
        return {
          status: "not-available",
          reason: `The agent's metrics answered ${response.status}.`,
        };
      }
      return registrationsFromMetrics(await response.text());
    } catch {
      return { status: "not-available", reason: "The agent's metrics could not be read." };
    }
  };

  return async () => {
    const [agent, counted] = await Promise.all([reachability(), registrations()]);
    return { agent, registrations: counted };
  };
}

/**
 * The event socket's series on the agent's `/metrics`: is it connected, how far behind
 * FreeSWITCH are the events it hands on, how many of each, and what went wrong with the
 * connection or the bytes.
 */
import type { Counter, Histogram, Registry, SettableGauge } from "../metrics/registry.ts";

/** The ESL client's metrics. */
export interface EslMetrics {
  /** 1 while subscribed to FreeSWITCH's events, else 0. */
  connected: SettableGauge;
  /** Seconds between FreeSWITCH creating the latest event and the agent decoding it. */
  lag: SettableGauge;
  /** The same, per event, as a histogram. */
  lagSeconds: Histogram;
  /** Events decoded, by `name` (`Event-Name`). */
  events: Counter;
  /** Connection outcomes by `result`: subscribed, auth_refused, refused, lost, timeout, ... */
  connections: Counter;
  /** Frames or events dropped as malformed, by `problem`. */
  malformed: Counter;
}

const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Registers the ESL series in `registry` (the agent's: `createAgentMetrics().registry`). Call it
 * once per registry: names must be unique there.
 */
export function createEslMetrics(registry: Registry): EslMetrics {
  const metrics: EslMetrics = {
    connected: registry.settable(
      "careflow_agent_esl_connected",
      "1 while the FreeSWITCH event socket is connected and subscribed, else 0.",
    ),
    lag: registry.settable(
      "careflow_agent_esl_lag_seconds",
      "Age of the latest FreeSWITCH event when it was decoded (now minus Event-Date-Timestamp).",
    ),
    lagSeconds: registry.histogram(
      "careflow_agent_esl_event_lag_seconds",
      "Age of each FreeSWITCH event when it was decoded.",
      LAG_BUCKETS,
    ),
    events: registry.counter(
      "careflow_agent_esl_events_total",
      "FreeSWITCH events decoded, by event name.",
      ["name"],
    ),
    connections: registry.counter(
      "careflow_agent_esl_connections_total",
      "FreeSWITCH event socket connection outcomes, by result.",
      ["result"],
    ),
    malformed: registry.counter(
      "careflow_agent_esl_malformed_total",
      "Event socket frames or events dropped as malformed, by problem.",
      ["problem"],
    ),
  };
  metrics.connected.set(0);
  for (const result of ["subscribed", "auth_refused", "refused", "lost", "timeout"]) {
    metrics.connections.declare({ result });
  }
  metrics.malformed.declare({ problem: "bad-content-length" });
  return metrics;
}

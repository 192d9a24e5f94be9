/** The agent's metric set: one place that names every series, so tests and dashboards agree. */
import { type Counter, type Histogram, Registry } from "./registry.ts";

/** Every series the agent exposes on `/metrics`. */
export interface AgentMetrics {
  registry: Registry;
  /** `/kamailio/auth` answers by result: ok, not_found, invalid, error. */
  authLookups: Counter;
  /** `/kamailio/auth` handling time in seconds. */
  authLatency: Histogram;
  /** `/kamailio/route` answers by result: ok, not_found, invalid, error. */
  routeLookups: Counter;
  /** Signed provisioning calls by op (upsert, delete) and result (ok, unauthorized, invalid, error). */
  provisioning: Counter;
  /** Redis commands that failed. */
  redisErrors: Counter;
  /** Kamailio JSON-RPC calls that failed, by method. */
  kamailioRpcFailures: Counter;
  /** Cache-miss fetches from web by result: found, not_found, error. */
  webFetches: Counter;
}

// Sub-millisecond resolution where the target lives (p99 < 2 ms), coarse above.
const AUTH_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25, 1];

/** Creates a fresh metric set (one per app, so tests do not share counts). */
export function createAgentMetrics(): AgentMetrics {
  const registry = new Registry();
  const metrics: AgentMetrics = {
    registry,
    authLookups: registry.counter(
      "careflow_agent_auth_lookups_total",
      "Kamailio auth lookups by result.",
      ["result"],
    ),
    authLatency: registry.histogram(
      "careflow_agent_auth_duration_seconds",
      "Time to answer a Kamailio auth lookup.",
      AUTH_BUCKETS,
    ),
    routeLookups: registry.counter(
      "careflow_agent_route_lookups_total",
      "Kamailio route lookups by result.",
      ["result"],
    ),
    provisioning: registry.counter(
      "careflow_agent_provisioning_requests_total",
      "Signed subscriber provisioning calls from web by operation and result.",
      ["op", "result"],
    ),
    redisErrors: registry.counter("careflow_agent_redis_errors_total", "Failed Redis commands."),
    kamailioRpcFailures: registry.counter(
      "careflow_agent_kamailio_rpc_failures_total",
      "Kamailio JSON-RPC invalidation calls that failed, by method.",
      ["method"],
    ),
    webFetches: registry.counter(
      "careflow_agent_web_fetches_total",
      "Subscriber fetches from web on a cache miss, by result.",
      ["result"],
    ),
  };
  for (const result of ["ok", "not_found", "invalid", "error"]) {
    metrics.authLookups.declare({ result });
    metrics.routeLookups.declare({ result });
  }
  metrics.redisErrors.declare();
  for (const result of ["found", "not_found", "error"]) metrics.webFetches.declare({ result });
  for (const method of ["htable.delete", "ul.rm"]) metrics.kamailioRpcFailures.declare({ method });
  return metrics;
}

/**
 * The outbox's series on the agent's `/metrics`. Depth and oldest age are gauges sampled from
 * Redis by the deliverer (every second, and after each batch), so they stay true while web is
 * down and nothing else moves.
 */
import type { Counter, Histogram, Registry, SettableGauge } from "../metrics/registry.ts";

/** Every outbox series. */
export interface OutboxMetrics {
  /** Events durably appended. */
  appended: Counter;
  /** Events refused at append (a producer bug): they never reach the stream. */
  appendRejected: Counter;
  /** Events web confirmed, by result: `new` (applied now) or `duplicate` (applied before). */
  delivered: Counter;
  /**
   * Delivery attempts of a batch that failed as a whole, by reason: `unreachable` (network,
   * timeout), `status` (an HTTP status other than 200), `answer` (a malformed answer), `redis`,
   * `transient` (web answered some events "send it again").
   */
  deliveryFailures: Counter;
  /** Single events web answered with an error (each retried a few times, then dead-lettered). */
  refusals: Counter;
  /** Events moved to the dead-letter stream. */
  deadLettered: Counter;
  /** Entries taken back after a deliverer died holding them (own restart or XAUTOCLAIM). */
  reclaimed: Counter;
  /** Time of one signed POST to web, in seconds. */
  postDuration: Histogram;
  /** Events in the outbox not yet confirmed by web. */
  depth: SettableGauge;
  /** Age of the oldest event not yet confirmed by web, in seconds (0 when none). */
  oldestAge: SettableGauge;
  /** Events in the dead-letter stream. */
  deadLetterDepth: SettableGauge;
}

const POST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** Registers the outbox's series in `registry` (the agent's, so `/metrics` shows them). */
export function createOutboxMetrics(registry: Registry): OutboxMetrics {
  const p = "careflow_agent_outbox";
  const metrics: OutboxMetrics = {
    appended: registry.counter(`${p}_appended_total`, "Events durably appended to the outbox."),
    appendRejected: registry.counter(
      `${p}_append_rejected_total`,
      "Events refused at append because they do not match the event schema.",
    ),
    delivered: registry.counter(
      `${p}_delivered_total`,
      "Events web confirmed, by result (new, duplicate).",
      ["result"],
    ),
    deliveryFailures: registry.counter(
      `${p}_delivery_failures_total`,
      "Failed deliveries of a batch to web, by reason.",
      ["reason"],
    ),
    refusals: registry.counter(`${p}_refusals_total`, "Events web answered with an error."),
    deadLettered: registry.counter(
      `${p}_dead_lettered_total`,
      "Events moved to the dead-letter stream after web refused them.",
    ),
    reclaimed: registry.counter(
      `${p}_reclaimed_total`,
      "Unacknowledged entries taken back from a deliverer that stopped holding them.",
    ),
    postDuration: registry.histogram(
      `${p}_post_duration_seconds`,
      "Time of one signed event batch POST to web.",
      POST_BUCKETS,
    ),
    depth: registry.settable(`${p}_depth`, "Events not yet confirmed by web."),
    oldestAge: registry.settable(
      `${p}_oldest_age_seconds`,
      "Age of the oldest event not yet confirmed by web.",
    ),
    deadLetterDepth: registry.settable(
      `${p}_dead_letter_depth`,
      "Events in the dead-letter stream.",
    ),
  };
  for (const result of ["new", "duplicate"]) metrics.delivered.declare({ result });
  for (const reason of ["unreachable", "status", "answer", "redis", "transient"]) {
    metrics.deliveryFailures.declare({ reason });
  }
  for (const counter of [metrics.appended, metrics.appendRejected, metrics.refusals]) {
    counter.declare();
  }
  metrics.deadLettered.declare();
  metrics.reclaimed.declare();
  return metrics;
}

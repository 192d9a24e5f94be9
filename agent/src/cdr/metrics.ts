/** The CDR side's series on the agent's `/metrics`: CDRs built, calls open, what was dropped. */
import type { Counter, Histogram, Registry, SettableGauge } from "../metrics/registry.ts";

/** The CDR builder's, tracker's and folder reconciliation's metrics. */
export interface CdrMetrics {
  /** cdr events appended to the outbox, by `source`: esl, cdr_dir. */
  built: Counter;
  /** Finished calls that gave no event, by `reason`: unrepresentable-party, invalid. */
  skipped: Counter;
  /** Calls being followed over ESL. */
  openCalls: SettableGauge;
  /** Calls given up before they ended, by `reason`: idle, overflow. */
  expired: Counter;
  /** Appends to the outbox that failed (retried; the CDR folder is the backstop). */
  appendFailures: Counter;
  /** CDR folder files by `result`: done, unrepresentable, rejected. */
  files: Counter;
  /** Seconds each answered call was connected (FreeSWITCH's call duration; mean = sum/count). */
  callSeconds: Histogram;
}

/** One CDR event appended from `source`: counted, and its call's connected time observed. */
export function countBuilt(
  metrics: Pick<CdrMetrics, "built" | "callSeconds">,
  source: "esl" | "cdr_dir",
  call: { answeredAt: string | null; endedAt: string },
): void {
  metrics.built.inc({ source });
  if (call.answeredAt) {
    const seconds = (Date.parse(call.endedAt) - Date.parse(call.answeredAt)) / 1000;
    if (seconds >= 0) metrics.callSeconds.observe(seconds);
  }
}

const CALL_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/** Registers the CDR series in `registry` (once per registry). */
export function createCdrMetrics(registry: Registry): CdrMetrics {
  const metrics: CdrMetrics = {
    built: registry.counter(
      "careflow_agent_cdrs_built_total",
      "CDR events appended, by source.",
      ["source"],
    ),
    skipped: registry.counter(
      "careflow_agent_cdrs_skipped_total",
      "Finished calls that gave no CDR event, by reason.",
      ["reason"],
    ),
    openCalls: registry.settable(
      "careflow_agent_calls_open",
      "Calls followed over ESL that have not ended yet.",
    ),
    expired: registry.counter(
      "careflow_agent_calls_expired_total",
      "Calls given up before they ended (left to the CDR folder), by reason.",
      ["reason"],
    ),
    appendFailures: registry.counter(
      "careflow_agent_cdr_append_failures_total",
      "Failed appends of CDR events to the outbox.",
    ),
    files: registry.counter(
      "careflow_agent_cdr_files_total",
      "mod_json_cdr files reconciled, by result.",
      ["result"],
    ),
    callSeconds: registry.histogram(
      "careflow_agent_call_duration_seconds",
      "Connected time of each answered call through FreeSWITCH.",
      CALL_BUCKETS,
    ),
  };
  for (const source of ["esl", "cdr_dir"]) metrics.built.declare({ source });
  metrics.skipped.declare({ reason: "unrepresentable-party" });
  metrics.appendFailures.declare();
  return metrics;
}

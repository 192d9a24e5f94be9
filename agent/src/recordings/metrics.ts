/**
 * The recordings' series on the agent's registry (`/metrics`): how long transcodes take, what
 * failed at which stage, and what is still waiting, so a stuck or failing job is seen, never lost
 * quietly.
 */
import type { Counter, Histogram, Registry } from "../metrics/registry.ts";

/** Every recordings series. */
export interface RecordingMetrics {
  /** Wall time of one job's transcodes (all formats), seconds. */
  transcodeSeconds: Histogram;
  /** Transcodes that failed (retried). */
  transcodeFailures: Counter;
  /** Uploads that failed, by target: s3, web (retried unless permanent). */
  uploadFailures: Counter;
  /** Events web did not confirm in time (retried). */
  deliveryFailures: Counter;
  /** Finished jobs by result: done, empty (no audio), lost (WAV and transcodes gone), parked. */
  jobs: Counter;
  /** Recordings events and hand-ins turned away, by reason (path checks, missing parties). */
  refused: Counter;
  /** Bytes of recordings stored (object store or web), by format: the storage they take. */
  storedBytes: Counter;
}

// Seconds: a short voicemail takes tens of milliseconds, an hour-long stereo call tens of seconds.
const TRANSCODE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** What the gauges read, from the running service. */
export interface QueueGauges {
  /** Jobs not finished (waiting, running or retrying; parked ones excluded). */
  pending(): number;
  /** Age in seconds of the oldest pending job, 0 when none. */
  oldestPendingSeconds(): number;
  /** Jobs kept on disk that need a person (see `RecordingJob.parked`). */
  parked(): number;
  /** WAVs in the spool that no job names (counted at start and on each ESL reconnect). */
  orphans(): number;
}

/** Registers the recordings series on `registry`; call once per registry. */
export function createRecordingMetrics(registry: Registry, gauges: QueueGauges): RecordingMetrics {
  const metrics: RecordingMetrics = {
    transcodeSeconds: registry.histogram(
      "careflow_agent_recording_transcode_seconds",
      "Time to transcode one recording (every format made).",
      TRANSCODE_BUCKETS,
    ),
    transcodeFailures: registry.counter(
      "careflow_agent_recording_transcode_failures_total",
      "Recording transcodes that failed (each is retried).",
    ),
    uploadFailures: registry.counter(
      "careflow_agent_recording_upload_failures_total",
      "Recording uploads that failed, by target (each is retried).",
      ["target"],
    ),
    deliveryFailures: registry.counter(
      "careflow_agent_recording_delivery_failures_total",
      "Recording events web did not confirm in time (each is retried).",
    ),
    jobs: registry.counter(
      "careflow_agent_recording_jobs_total",
      "Recording jobs finished, by result.",
      ["result"],
    ),
    refused: registry.counter(
      "careflow_agent_recording_refused_total",
      "Recording notices refused, by reason.",
      ["reason"],
    ),
    storedBytes: registry.counter(
      "careflow_agent_recording_stored_bytes_total",
      "Bytes of recordings stored in the object store or handed to web, by format.",
      ["format"],
    ),
  };
  registry.gauge(
    "careflow_agent_recording_jobs_pending",
    "Recording jobs not finished yet.",
    gauges.pending,
  );
  registry.gauge(
    "careflow_agent_recording_oldest_pending_seconds",
    "Age of the oldest unfinished recording job.",
    gauges.oldestPendingSeconds,
  );
  registry.gauge(
    "careflow_agent_recording_jobs_parked",
    "Recording jobs that cannot finish as they are and wait for a person.",
    gauges.parked,
  );
  registry.gauge(
    "careflow_agent_recording_orphan_wavs",
    "WAVs in the spool that no recording job names.",
    gauges.orphans,
  );
  metrics.transcodeFailures.declare();
  metrics.deliveryFailures.declare();
  for (const target of ["s3", "web"]) metrics.uploadFailures.declare({ target });
  for (const result of ["done", "empty", "lost", "parked"]) metrics.jobs.declare({ result });
  return metrics;
}

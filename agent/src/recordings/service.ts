/**
 * The recordings service (an `AgentService`): takes RECORD_STOP and CHANNEL_HANGUP_COMPLETE
 * events from ESL (and recordings the CDR reconciler hands in), persists a job beside the WAV,
 * and runs it: transcode, upload to the object store or to web, one event per owner through the
 * outbox, and the WAV deleted only once web confirmed. A restart takes every job up again from
 * the spool.
 */
import { availableParallelism } from "node:os";
import type { AgentConfig } from "../config.ts";
import type { EslEvent, EslEventSource } from "../esl/event.ts";
import type { WarnLogger } from "../log.ts";
import type { Registry } from "../metrics/registry.ts";
import type { EventSink } from "../outbox/sink.ts";
import { defaultCallId, noticeFromEvent, type RecordingNotice } from "./intake.ts";
import { jobIdFor, type RecordingJob } from "./job.ts";
import { createJobStore, type JobStore } from "./job-store.ts";
import { createRecordingMetrics, type RecordingMetrics } from "./metrics.ts";
import { type Outcome, type PipelineDeps, runJob, type UploadTarget } from "./pipeline.ts";
import { createJobQueue, type JobQueue } from "./queue.ts";
import { type Admission, admit, type AdmitDeps } from "./admit.ts";
import { DEFAULT_ENCODER, type EncoderSettings } from "./transcode.ts";
import { createS3Uploader, createWebUploader } from "./upload.ts";

/** Tuning, with defaults for production. */
export interface RecordingServiceOptions {
  /** Jobs in flight at once (uploads and waits for web included). Default 4. */
  concurrency: number;
  /**
   * ffmpeg runs at once (CPU bound, at lower priority). Default: one core fewer than the machine
   * has (at least 1), leaving a core to FreeSWITCH's media.
   */
  transcodeConcurrency: number;
  /** First retry delay; doubles per failure up to `retryMaxMs`. Defaults 1 s and 5 min. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long to wait for web to confirm an event before retrying. Default 2 min. */
  deliveryTimeoutMs: number;
  /** Age a WAV must reach when no RECORD_STOP said it is closed. Default 2 s. */
  settleMs: number;
  /** Age after which a WAV whose header never got its sizes is read anyway. Default 60 s. */
  staleMs: number;
  encoder: EncoderSettings;
  /** The call a recording belongs to, from the event's headers (must match the CDR's call id). */
  callIdOf: (headers: Readonly<Record<string, string>>) => string | null;
}

/** What the service is built from besides the config. */
export interface RecordingServiceDeps {
  /** ESL events; null when recordings only come through {@link RecordingService.submit}. */
  esl: EslEventSource | null;
  sink: EventSink;
  /** The agent's registry (`metrics.registry`). */
  registry: Registry;
  warn?: WarnLogger;
  fetch?: typeof fetch;
  now?: () => number;
  options?: Partial<RecordingServiceOptions>;
}

/** The running service. */
export interface RecordingService {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Hands in a recording (the CDR reconciler's path for calls that ended while ESL was away). */
  submit(notice: RecordingNotice): Promise<Admission>;
  /** Resolves once no job is pending (parked ones aside): tests and the benchmark. */
  idle(): Promise<void>;
  pending(): number;
  metrics: RecordingMetrics;
}

const DEFAULTS: RecordingServiceOptions = {
  concurrency: 4,
  transcodeConcurrency: Math.max(1, availableParallelism() - 1),
  retryBaseMs: 1000,
  retryMaxMs: 300_000,
  deliveryTimeoutMs: 120_000,
  settleMs: 2000,
  staleMs: 60_000,
  encoder: DEFAULT_ENCODER,
  callIdOf: defaultCallId,
};

/** A counting semaphore as a wrapper: at most `limit` calls of `work` at once. */
function slots(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let busy = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    while (busy >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    busy++;
    try {
      return await work();
    } finally {
      busy--;
      waiting.shift()?.();
    }
  };
}

/** Where the copies go: the object store when one is configured, else web's signed upload. */
function uploadTargetFor(
  config: AgentConfig,
  fetchImpl: typeof fetch | undefined,
  warn: WarnLogger,
): { target: UploadTarget; close: () => void } {
  if (config.objectStore) {
    const s3 = createS3Uploader(config.objectStore);
    return { target: { kind: "s3", uploader: s3 }, close: () => s3.close() };
  }
  if (!config.webUrl) {
    throw new Error("recordings need an object store (S3_* or BACKBLAZE_*) or WEB_URL");
  }
  if (config.recordings.mp3) {
    warn("careflow-agent: warning: RECORDING_MP3 needs an object store (web takes one format)");
  }
  const uploader = createWebUploader({
    webUrl: config.webUrl,
    secret: config.internalApiSecret,
    fetch: fetchImpl,
  });
  return { target: { kind: "web", uploader }, close: () => {} };
}

/** The job queue with its outcomes logged and counted; a parked job is persisted as parked. */
function queueFor(
  o: RecordingServiceOptions,
  ctx: {
    store: JobStore;
    warn: WarnLogger;
    now: () => number;
    metrics: () => RecordingMetrics;
    run: (job: RecordingJob, signal: AbortSignal) => Promise<Outcome>;
  },
): JobQueue {
  const { store, warn } = ctx;
  return createJobQueue({
    run: ctx.run,
    concurrency: o.concurrency,
    retryBaseMs: o.retryBaseMs,
    retryMaxMs: o.retryMaxMs,
    now: ctx.now,
    onFinished(job, result) {
      ctx.metrics().jobs.inc({ result });
      if (result === "lost") warn(`careflow-agent: warning: recording ${job.id}: its WAV is gone`);
    },
    onFailed(job, error, attempt, retryInMs) {
      warn(
        `careflow-agent: warning: recording ${job.id} attempt ${attempt} failed ` +
          `(${(error as Error).message ?? error}); retrying in ${Math.round(retryInMs / 1000)} s`,
      );
    },
    async onParked(job, reason) {
      ctx.metrics().jobs.inc({ result: "parked" });
      warn(`careflow-agent: warning: recording ${job.id} parked: ${reason}`);
      job.parked = reason;
      await store.save(job);
    },
  });
}

/**
 * Admission in arrival order: events arrive one by one, and admitting them in order keeps two
 * events of one recording from racing (the second finds the job the first made). `settled`
 * resolves once everything handed in so far is admitted.
 */
function orderedAdmission(deps: AdmitDeps): {
  submit: (notice: RecordingNotice) => Promise<Admission>;
  settled: () => Promise<unknown>;
} {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    submit(notice) {
      const next = chain.then(() => admit(deps, notice));
      chain = next.catch(() => {});
      return next;
    },
    settled: () => chain,
  };
}

/** The ESL listener: RECORD_STOP and CHANNEL_HANGUP_COMPLETE read into notices and submitted. */
function eslListener(
  o: RecordingServiceOptions,
  ctx: {
    submit: (notice: RecordingNotice) => Promise<Admission>;
    metrics: RecordingMetrics;
    warn: WarnLogger;
    now: () => number;
  },
): (event: EslEvent) => void {
  const { warn } = ctx;
  return (event) => {
    if (event.name !== "RECORD_STOP" && event.name !== "CHANNEL_HANGUP_COMPLETE") return;
    const read = noticeFromEvent(event, o.callIdOf, () => new Date(ctx.now()));
    if (read.ok) {
      ctx.submit(read.notice).catch((error: Error) => {
        warn(`careflow-agent: warning: recording not admitted: ${error.name}`);
      });
    } else if (!read.ignored) {
      ctx.metrics.refused.inc({ reason: read.reason });
      warn(`careflow-agent: warning: ${event.name} recording refused: ${read.reason}`);
    }
  };
}

/** Builds the service; null when no spool is configured (the agent handles no recordings). */
export function createRecordingService(
  config: AgentConfig,
  deps: RecordingServiceDeps,
): RecordingService | null {
  const spoolDir = config.recordings.spoolDir;
  if (!spoolDir) return null;
  const o = { ...DEFAULTS, ...deps.options };
  const warn = deps.warn ?? console.warn;
  const now = deps.now ?? Date.now;
  const upload = uploadTargetFor(config, deps.fetch, warn);
  const store = createJobStore(spoolDir);
  let orphans = 0;
  const queue = queueFor(o, {
    store,
    warn,
    now,
    metrics: () => metrics,
    run: (job, signal) => runJob(pipeline, job, signal),
  });
  const metrics = createRecordingMetrics(deps.registry, {
    pending: () => queue.pending(),
    oldestPendingSeconds: () => queue.oldestPendingSeconds(),
    parked: () => queue.parked(),
    orphans: () => orphans,
  });
  const pipeline: PipelineDeps = {
    spoolDir,
    store,
    sink: deps.sink,
    target: upload.target,
    metrics,
    ffmpegPath: config.recordings.ffmpegPath,
    mp3: config.recordings.mp3,
    encoder: o.encoder,
    deliveryTimeoutMs: o.deliveryTimeoutMs,
    settleMs: o.settleMs,
    staleMs: o.staleMs,
    transcodeSlot: slots(o.transcodeConcurrency),
    now,
  };
  const admission = orderedAdmission({ spoolDir, store, queue, metrics, warn, now });
  const onEvent = eslListener(o, { submit: admission.submit, metrics, warn, now });

  async function countOrphans(): Promise<void> {
    const wavs = await store.wavs();
    orphans = wavs.filter((wav) => !queue.get(jobIdFor(wav))).length;
  }

  const unsubscribe: (() => void)[] = [];
  return {
    name: "recordings",
    metrics,
    submit: admission.submit,
    idle: () => queue.idle(),
    pending: () => queue.pending(),
    async start() {
      await store.open();
      const jobs = await store.load((file) => {
        warn(`careflow-agent: warning: unreadable recording job file ${file} left in place`);
      });
      for (const job of jobs) job.parked ? queue.addParked(job) : queue.add(job);
      await countOrphans();
      if (deps.esl) {
        unsubscribe.push(deps.esl.onEvent(onEvent));
        unsubscribe.push(deps.esl.onConnected(() => {
          // Events of a disconnection are gone: the WAVs they named show up here.
          countOrphans().catch(() => {});
        }));
      }
      queue.start();
    },
    async stop() {
      for (const off of unsubscribe.splice(0)) off();
      await admission.settled();
      await queue.stop();
      upload.close();
    },
  };
}

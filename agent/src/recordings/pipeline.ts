/**
 * One job, stage by stage, each stage's result persisted before the next begins, so a job cut
 * short (crash, kill, stop) resumes at the stage it was in: transcode (skipped when the job file
 * says it is done and the files are there), then per owner the upload and the event in the order
 * the target needs, then the clean-up. Web ingests by event id and a re-sent audio answers 409,
 * so repeating a stage after a crash never makes a second recording.
 */
import { rm, stat } from "node:fs/promises";
import { type AgentEvent, recordingEventSchema } from "../../../shared/events.ts";
import { MAX_RECORDING_SECONDS } from "../../../shared/recordings.ts";
import type { EventSink } from "../outbox/sink.ts";
import { objectKeyFor, recordingEventId, type RecordingJob, type Transcode } from "./job.ts";
import type { JobStore } from "./job-store.ts";
import type { RecordingMetrics } from "./metrics.ts";
import { readOpusInfo } from "./ogg.ts";
import { checkSpoolFile, inspectWav, SpoolError, spoolRoot, type WavInfo } from "./spool.ts";
import { type EncoderSettings, transcode, type TranscodeFormat } from "./transcode.ts";
import type { ObjectUploader, WebUploader } from "./upload.ts";

/** Where copies go. */
export type UploadTarget =
  | { kind: "s3"; uploader: ObjectUploader }
  | { kind: "web"; uploader: WebUploader };

/** What running a job needs. */
export interface PipelineDeps {
  spoolDir: string;
  store: JobStore;
  sink: EventSink;
  target: UploadTarget;
  metrics: RecordingMetrics;
  ffmpegPath: string;
  /** Also make (and, to the object store, upload) an MP3. */
  mp3: boolean;
  encoder?: EncoderSettings;
  deliveryTimeoutMs: number;
  /** A WAV not yet announced closed (no RECORD_STOP) must be this old before it is read. */
  settleMs: number;
  /** A WAV whose header never got its sizes is read anyway once this old (the writer died). */
  staleMs: number;
  /** Limits ffmpeg runs at once (CPU bound), whatever the number of jobs in flight. */
  transcodeSlot: <T>(work: () => Promise<T>) => Promise<T>;
  now: () => number;
}

/** How a run ended: finished, or not ready yet (try again after `ms`, not a failure). */
export type Outcome = { kind: "done" | "empty" | "lost" } | { kind: "wait"; ms: number };

/** A job that cannot succeed as it is: kept on disk, counted, not retried. */
export class PermanentError extends Error {
  override name = "PermanentError";
}

/** Runs `job` as far as it goes; throws on a failure worth retrying. */
export async function runJob(
  deps: PipelineDeps,
  job: RecordingJob,
  signal: AbortSignal,
): Promise<Outcome> {
  if (job.owners.every((owner) => job.done.includes(owner))) return await cleanUp(deps, job);
  if (!(await transcodesPresent(deps, job))) {
    const made = await makeTranscodes(deps, job, signal);
    if (made) return made;
  }
  for (const owner of job.owners) {
    if (job.done.includes(owner)) continue;
    signal.throwIfAborted();
    await deliverCopy(deps, job, owner, signal);
    job.done.push(owner);
    await deps.store.save(job);
  }
  return await cleanUp(deps, job);
}

async function transcodesPresent(deps: PipelineDeps, job: RecordingJob): Promise<boolean> {
  const made = job.transcoded;
  if (!made) return false;
  const files = [made.ogg, ...(made.mp3 ? [made.mp3] : [])];
  for (const file of files) {
    const stats = await stat(`${deps.store.workDir}/${file.file}`).catch(() => null);
    if (stats?.size !== file.bytes) return false;
  }
  return !deps.mp3 || made.mp3 !== undefined || deps.target.kind === "web";
}

/** Is the WAV ready to read? A reason to wait, or null. */
function notReady(deps: PipelineDeps, job: RecordingJob, wav: WavInfo): number | null {
  const age = deps.now() - wav.mtimeMs;
  if (!wav.complete) return job.stopped || age >= deps.staleMs ? null : 1000;
  // Without RECORD_STOP (a hangup of the other leg came first) the file may still grow.
  return job.stopped || age >= deps.settleMs ? null : deps.settleMs - age;
}

/** Seconds of audio the file's size holds (the header's own figure may not be final). */
const fileSeconds = (wav: WavInfo) =>
  (wav.fileBytes - wav.dataOffset) / (wav.sampleRate * wav.channels * (wav.bitsPerSample / 8));

/** Transcodes and checks the result; persists the result. Returns an outcome when there is nothing to do. */
async function makeTranscodes(
  deps: PipelineDeps,
  job: RecordingJob,
  signal: AbortSignal,
): Promise<Outcome | null> {
  let path: string;
  try {
    path = await checkSpoolFile(deps.spoolDir, job.wav);
  } catch (error) {
    if (error instanceof SpoolError && error.reason === "missing") {
      await deps.store.remove(job.id);
      return { kind: "lost" };
    }
    throw new PermanentError(`the WAV is no longer acceptable: ${(error as Error).message}`);
  }
  const wav = await inspectWav(path).catch((error) => {
    throw new PermanentError(`the WAV is no longer acceptable: ${(error as Error).message}`);
  });
  const wait = notReady(deps, job, wav);
  if (wait !== null) return { kind: "wait", ms: Math.max(100, wait) };
  if (wav.complete && wav.dataBytes === 0) return await cleanUp(deps, job, "empty");

  const formats: TranscodeFormat[] = deps.mp3 && deps.target.kind === "s3" ? ["ogg", "mp3"] : [
    "ogg",
  ];
  const started = performance.now();
  let files: Transcode[];
  try {
    files = await deps.transcodeSlot(() =>
      Promise.all(formats.map(async (format) => {
        const file = `${job.id}.${format}`;
        const made = await transcode({
          ffmpegPath: deps.ffmpegPath,
          wav: path,
          output: `${deps.store.workDir}/${file}`,
          format,
          channels: wav.channels,
          ignoreLength: !wav.complete,
          encoder: deps.encoder,
          signal,
          // Generous: a 1-hour stereo call takes well under a minute at the measured speed.
          timeoutMs: 120_000 + fileSeconds(wav) * 1000,
        });
        return { file, ...made };
      }))
    );
  } catch (error) {
    if (!signal.aborted) deps.metrics.transcodeFailures.inc();
    throw error;
  }
  deps.metrics.transcodeSeconds.observe((performance.now() - started) / 1000);
  // A check of what ffmpeg made, before anything of it leaves: complete, Opus, every channel.
  const probed = await readOpusInfo(`${deps.store.workDir}/${files[0].file}`).catch((error) => {
    deps.metrics.transcodeFailures.inc();
    throw error;
  });
  if (probed.channels !== wav.channels) {
    deps.metrics.transcodeFailures.inc();
    throw new Error(`the transcode has ${probed.channels} channels, the WAV ${wav.channels}`);
  }
  if (probed.durationSeconds > MAX_RECORDING_SECONDS) {
    throw new PermanentError(`longer than web takes (${MAX_RECORDING_SECONDS} s)`);
  }
  job.transcoded = {
    durationSeconds: Math.round(probed.durationSeconds * 1000) / 1000,
    ogg: files[0],
    ...(files[1] ? { mp3: files[1] } : {}),
  };
  await deps.store.save(job);
  return null;
}

/** The event of `owner`'s copy. */
function eventFor(deps: PipelineDeps, job: RecordingJob, owner: string, objectKey?: string) {
  const made = job.transcoded!;
  const recordedAt = new Date(Date.parse(job.endedAt) - made.durationSeconds * 1000);
  const event = {
    id: recordingEventId(job.id, owner),
    type: job.kind === "voicemail" ? "voicemail" : "recording",
    at: new Date(deps.now()).toISOString(),
    recording: {
      owner,
      callId: job.callId,
      mode: "sip",
      caller: job.caller,
      callee: job.callee,
      format: "ogg",
      durationSeconds: made.durationSeconds,
      recordedAt: recordedAt.toISOString(),
      ...(objectKey ? { objectKey } : {}),
    },
  };
  const parsed = recordingEventSchema.safeParse(event);
  if (!parsed.success) throw new PermanentError(`the event would be invalid: ${parsed.error}`);
  return parsed.data as AgentEvent;
}

/** Uploads and announces one owner's copy, in the order its target needs. */
async function deliverCopy(
  deps: PipelineDeps,
  job: RecordingJob,
  owner: string,
  signal: AbortSignal,
): Promise<void> {
  const made = job.transcoded!;
  const fileOf = (t: Transcode, format: "ogg" | "mp3") => ({
    path: `${deps.store.workDir}/${t.file}`,
    bytes: t.bytes,
    sha256: t.sha256,
    format,
  });
  const id = recordingEventId(job.id, owner);
  const { target } = deps;
  const stored = (format: string, bytes: number) => deps.metrics.storedBytes.inc({ format }, bytes);
  const failedUpload = (error: unknown) => {
    if (!signal.aborted) deps.metrics.uploadFailures.inc({ target: target.kind });
    if ((error as { permanent?: boolean }).permanent) throw new PermanentError(String(error));
    throw error;
  };
  if (target.kind === "s3") {
    // The object first: web refuses an event whose object it cannot find.
    const key = objectKeyFor(owner, id, "ogg");
    await target.uploader.put(key, fileOf(made.ogg, "ogg"), signal).catch(failedUpload);
    stored("ogg", made.ogg.bytes);
    if (made.mp3) {
      const mp3 = objectKeyFor(owner, id, "mp3");
      await target.uploader.put(mp3, fileOf(made.mp3, "mp3"), signal).catch(failedUpload);
      stored("mp3", made.mp3.bytes);
    }
    await announce(deps, eventFor(deps, job, owner, key), signal);
    return;
  }
  // Web needs the recording record before it takes its audio.
  await announce(deps, eventFor(deps, job, owner), signal);
  await target.uploader.put(id, fileOf(made.ogg, "ogg"), signal).catch(failedUpload);
  stored("ogg", made.ogg.bytes);
}

/** `promise`, or a rejection as soon as `signal` aborts (a stopping service waits for no one). */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function announce(deps: PipelineDeps, event: AgentEvent, signal: AbortSignal) {
  await unlessAborted(deps.sink.append(event), signal);
  const delivered = deps.sink.delivered(event.id, deps.deliveryTimeoutMs);
  await unlessAborted(delivered, signal).catch((error) => {
    if (signal.aborted) throw error;
    deps.metrics.deliveryFailures.inc();
    // The outbox dead-letters what web refused for good (an owner web does not know): sending
    // it again cannot help, so the job waits for a person, its WAV kept.
    if ((error as Error).name === "EventDeadLetteredError") {
      throw new PermanentError(`web refused the event: ${(error as Error).message}`);
    }
    throw error;
  });
}

/** Removes the WAV, then the transcodes, then the job file (the job's last trace). */
async function cleanUp(
  deps: PipelineDeps,
  job: RecordingJob,
  result: "done" | "empty" = "done",
): Promise<Outcome> {
  await rm(`${spoolRoot(deps.spoolDir)}/${job.wav}`, { force: true });
  for (const format of ["ogg", "mp3"]) {
    await rm(`${deps.store.workDir}/${job.id}.${format}`, { force: true });
    await rm(`${deps.store.workDir}/${job.id}.${format}.part`, { force: true });
  }
  await deps.store.remove(job.id);
  return { kind: result };
}

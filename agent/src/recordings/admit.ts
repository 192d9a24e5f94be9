/**
 * Admitting a recording notice into the queue: the path is checked (inside the spool, a regular
 * WAV), the job is written to disk before anything else happens, so from here on a crash cannot
 * lose it; a second notice of a known recording only tells the job its file is closed.
 */
import type { RecordingNotice } from "./intake.ts";
import { jobIdFor, type RecordingJob } from "./job.ts";
import type { JobStore } from "./job-store.ts";
import type { RecordingMetrics } from "./metrics.ts";
import type { JobQueue } from "./queue.ts";
import { checkSpoolFile, inspectWav, SpoolError, spoolRelative } from "./spool.ts";

/** What became of a notice. */
export type Admission =
  | { status: "queued" | "known"; jobId: string }
  | { status: "refused"; reason: string };

/** What admitting needs. */
export interface AdmitDeps {
  spoolDir: string;
  store: JobStore;
  queue: JobQueue;
  metrics: RecordingMetrics;
  warn: (line: string) => void;
  now: () => number;
}

function refuse(deps: AdmitDeps, reason: string, quiet = false): Admission {
  deps.metrics.refused.inc({ reason });
  if (!quiet) deps.warn(`careflow-agent: warning: recording refused: ${reason}`);
  return { status: "refused", reason };
}

/** Admits `notice`: a new job (persisted, then queued), a known one, or a refusal. */
export async function admit(deps: AdmitDeps, notice: RecordingNotice): Promise<Admission> {
  let relative: string;
  try {
    relative = spoolRelative(deps.spoolDir, notice.path);
  } catch (error) {
    if (error instanceof SpoolError) return refuse(deps, error.reason);
    throw error;
  }
  const id = jobIdFor(relative);
  const known = deps.queue.get(id);
  if (known) {
    if (notice.stopped && !known.stopped) {
      known.stopped = true;
      await deps.store.save(known);
      deps.queue.poke(id);
    }
    return { status: "known", jobId: id };
  }
  try {
    const path = await checkSpoolFile(deps.spoolDir, relative);
    await inspectWav(path);
  } catch (error) {
    if (!(error instanceof SpoolError)) throw error;
    // A hangup during the announcement names a file never written; that is no news. A
    // RECORD_STOP for a file that is not there is.
    return refuse(deps, error.reason, error.reason === "missing" && !notice.stopped);
  }
  if (notice.badOwners > 0) {
    deps.metrics.refused.inc({ reason: "owner" }, notice.badOwners);
    deps.warn(`careflow-agent: warning: recording ${id}: ${notice.badOwners} owners are not IDs`);
  }
  const job: RecordingJob = {
    version: 1,
    id,
    wav: relative,
    kind: notice.kind,
    owners: notice.owners,
    caller: notice.caller,
    callee: notice.callee,
    callId: notice.callId,
    endedAt: notice.endedAt.toISOString(),
    createdAt: new Date(deps.now()).toISOString(),
    stopped: notice.stopped,
    done: [],
  };
  if (!(await deps.store.create(job))) return { status: "known", jobId: id };
  deps.queue.add(job);
  return { status: "queued", jobId: id };
}

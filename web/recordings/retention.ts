/**
 * The sweeper: joins the parts of call recordings whose tab vanished, and purges audio whose time
 * is up (deleted past the grace period, or older than its owner's retention), each purge written to
 * the access trail. Runs on a timer in the composition; each run does a bounded amount of work.
 */
import { DAY_MS, type RecordingDeps } from "./context.ts";
import { finalize } from "./call-recording.ts";
import type { Recording } from "./recording.ts";
import { recordAccess } from "./trail-writer.ts";

/** A recording with no new part for this long was left by a tab that is gone. */
export const STALL_MS = 2 * 60_000;
const BATCH = 100;
/** A sweep looks at this many pages at most; the next sweep goes on from the oldest again. */
const MAX_PAGES = 20;

/** Removes the audio for good; the record stays (deleted, purged) so the trail has its subject. */
export async function purge(deps: RecordingDeps, recording: Recording): Promise<void> {
  for (const key of await deps.storage.list(`rec/${recording.ownerUserId}/${recording.id}/`)) {
    await deps.storage.delete(key);
  }
  const now = deps.now();
  await deps.store.updateRecording(recording.id, {
    status: "deleted",
    storageKey: null,
    deletedAt: recording.deletedAt ?? now,
    purgedAt: now,
  }, deps.now());
  await recordAccess(deps, null, recording.id, "purge");
}

/** The owner's retention, within the administrator's bounds. */
async function retentionDays(deps: RecordingDeps, ownerUserId: string, cache: Map<string, number>) {
  const known = cache.get(ownerUserId);
  if (known !== undefined) return known;
  const { minDays, maxDays } = deps.config.retention;
  const user = await deps.store.findUserById(ownerUserId);
  const days = Math.min(maxDays, Math.max(minDays, user?.retentionDays ?? maxDays));
  cache.set(ownerUserId, days);
  return days;
}

/** Whether `recording` is due to leave storage at `now`. */
async function due(
  deps: RecordingDeps,
  recording: Recording,
  now: number,
  cache: Map<string, number>,
) {
  if (recording.status === "deleted") {
    return (recording.deletedAt?.getTime() ?? 0) + deps.config.deleteGraceDays * DAY_MS <= now;
  }
  if (recording.status === "archived") {
    return (recording.archivedAt?.getTime() ?? 0) + deps.config.archiveDays * DAY_MS <= now;
  }
  const days = await retentionDays(deps, recording.ownerUserId, cache);
  return recording.recordedAt.getTime() + days * DAY_MS <= now;
}

/** One sweep; resolves with what it did. */
export async function sweep(deps: RecordingDeps): Promise<{ finalized: number; purged: number }> {
  const now = deps.now().getTime();
  let finalized = 0;
  for (const stalled of await deps.store.listStalled(new Date(now - STALL_MS), BATCH)) {
    await finalize(deps, stalled).catch((error) =>
      deps.logger.error("could not finish a stalled recording", {
        recordingId: stalled.id,
        error: error instanceof Error ? error.name : "unknown",
      })
    );
    finalized++;
  }
  const cache = new Map<string, number>();
  let purged = 0;
  // Candidates older than the shortest retention; owners with longer ones are paged past.
  let after: { recordedAt: Date; id: string } | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const candidates = await deps.store.listPurgeCandidates({
      deletedBefore: new Date(now - deps.config.deleteGraceDays * DAY_MS),
      archivedBefore: new Date(now - deps.config.archiveDays * DAY_MS),
      recordedBefore: new Date(now - deps.config.retention.minDays * DAY_MS),
      limit: BATCH,
      after,
    });
    for (const recording of candidates) {
      if (!(await due(deps, recording, now, cache))) continue;
      await purge(deps, recording);
      purged++;
    }
    if (candidates.length < BATCH) break;
    const last = candidates[candidates.length - 1];
    after = { recordedAt: last.recordedAt, id: last.id };
  }
  if (finalized + purged > 0) deps.logger.info("recordings swept", { finalized, purged });
  return { finalized, purged };
}

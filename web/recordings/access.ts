/**
 * What an owner does with their recordings: list, read, play or download (with HTTP ranges), take
 * notes and tags, archive, delete. Every object is looked up with its owner, so another user's
 * recording is a 404; every play, download, archive and delete goes to the access trail.
 */
import type { RecordingView } from "../../shared/api.ts";
import { problem } from "../../shared/http/problem.ts";
import type { RecordingQuery } from "../store/mod.ts";
import { DAY_MS, type RecordingDeps, type Requester } from "./context.ts";
import type { Recording } from "./recording.ts";
import type { ByteRange, StoredAudio } from "./storage/types.ts";
import { recordAccess } from "./trail-writer.ts";

/** A recording as its owner sees it. */
export function recordingView(recording: Recording): RecordingView {
  const outbound = recording.direction === "outbound";
  return {
    id: recording.id,
    type: recording.type,
    status: recording.status,
    direction: recording.direction,
    callMode: recording.callMode,
    callId: recording.callId,
    otherParty: outbound ? recording.to : recording.from,
    recordedBy: recording.recordedBy,
    duration: recording.durationSeconds,
    fileSize: recording.fileSize,
    format: recording.format,
    recordedAt: recording.recordedAt.toISOString(),
    isListened: recording.isListened,
    transcription: recording.transcription,
    notes: recording.notes,
    tags: recording.tags,
  };
}

/** The owner's recording, or 404 (also for one that is deleted). */
export async function ownRecording(deps: RecordingDeps, ownerUserId: string, id: string) {
  const recording = await deps.store.getRecordingForOwner(id, ownerUserId);
  if (!recording || recording.status === "deleted") {
    throw problem(404, "There is no such recording.");
  }
  return recording;
}

/** One page of the owner's recordings, and their unread voicemail. */
export async function listRecordings(
  deps: RecordingDeps,
  ownerUserId: string,
  query: RecordingQuery,
) {
  const [{ recordings, total }, unlistened] = await Promise.all([
    deps.store.listRecordingsForOwner(ownerUserId, query),
    deps.store.countUnlistenedVoicemail(ownerUserId),
  ]);
  return { recordings, total, unlistened };
}

/**
 * What playing (or downloading) serves: the audio and which part of it, or, where the storage
 * can serve it itself (S3), a short-lived URL to send the browser to.
 */
export type Media =
  | {
    audio: StoredAudio;
    /** The range served, or null for the whole object. */
    range: { start: number; end: number } | null;
    recording: Recording;
  }
  | { redirect: string; recording: Recording };

/** How long a presigned URL to the audio stays valid: long enough to start playing. */
const SIGNED_URL_SECONDS = 60;

/**
 * Opens the audio for the owner, or for an admin when the policy lets admins play; the first
 * request of a playback (no range, or one from byte 0) is written to the trail, so seeking does
 * not flood it.
 */
export async function openMedia(
  deps: RecordingDeps,
  who: Requester & { isAdmin: boolean },
  id: string,
  options: { range?: ByteRange | { suffix: number } | null; download: boolean },
): Promise<Media> {
  const recording = await deps.store.getRecordingForOwner(id, who.userId) ??
    (who.isAdmin && deps.config.adminPlays ? await deps.store.getRecording(id) : null);
  if (!recording || !recording.storageKey || !["active", "archived"].includes(recording.status)) {
    throw problem(404, "There is no such recording.");
  }
  const action = options.download ? "download" : "play";
  const signed = await deps.storage.signedUrl(recording.storageKey, SIGNED_URL_SECONDS);
  if (signed) {
    await recordAccess(deps, who, recording.id, action);
    return { redirect: signed, recording };
  }
  const stat = await deps.storage.stat(recording.storageKey);
  if (!stat) throw problem(404, "The audio of this recording is gone.");
  const range = options.range ? clamp(options.range, stat.size) : null;
  const audio = await deps.storage.get(recording.storageKey, range ?? undefined);
  if (!audio) throw problem(404, "The audio of this recording is gone.");
  if (!range || range.start === 0) await recordAccess(deps, who, recording.id, action);
  return { audio, range, recording };
}

/** A satisfiable range within `size`, or a 416 problem. */
function clamp(asked: ByteRange | { suffix: number }, size: number) {
  const range = "suffix" in asked ? { start: Math.max(0, size - asked.suffix) } : asked;
  const end = Math.min(range.end ?? size - 1, size - 1);
  if (range.start >= size || range.start > end) {
    throw problem(416, "The requested range is outside the recording.", {}, {
      "content-range": `bytes */${size}`,
    });
  }
  return { start: range.start, end };
}

/** Notes, tags, listened, archive: the owner's changes, archive and unarchive in the trail. */
export async function patchRecording(
  deps: RecordingDeps,
  who: Requester,
  id: string,
  body: { notes?: string; tags?: string[]; isListened?: boolean; archived?: boolean },
) {
  const recording = await ownRecording(deps, who.userId, id);
  const archiving = body.archived === true && recording.status === "active";
  const unarchiving = body.archived === false && recording.status === "archived";
  if (body.archived !== undefined && !archiving && !unarchiving) {
    throw problem(
      409,
      `This recording is ${recording.status}; it cannot be ${
        body.archived ? "archived" : "unarchived"
      }.`,
    );
  }
  const updated = await deps.store.updateRecording(id, {
    ...(body.notes !== undefined ? { notes: body.notes } : {}),
    ...(body.tags !== undefined ? { tags: [...new Set(body.tags)] } : {}),
    ...(body.isListened !== undefined ? { isListened: body.isListened } : {}),
    ...(archiving ? { status: "archived" as const, archivedAt: deps.now() } : {}),
    ...(unarchiving ? { status: "active" as const, archivedAt: null } : {}),
  }, deps.now());
  if (archiving) await recordAccess(deps, who, id, "archive");
  if (unarchiving) await recordAccess(deps, who, id, "unarchive");
  return updated!;
}

/** Soft delete: hidden at once, the audio purged after the grace period. */
export async function deleteRecording(deps: RecordingDeps, who: Requester, id: string) {
  await ownRecording(deps, who.userId, id);
  await deps.store.updateRecording(id, { status: "deleted", deletedAt: deps.now() }, deps.now());
  await recordAccess(deps, who, id, "delete");
  const purgeAt = new Date(deps.now().getTime() + deps.config.deleteGraceDays * DAY_MS);
  return { purgeAt };
}

/** The access trail of a recording, for its owner or an admin. */
export async function trailOf(
  deps: RecordingDeps,
  who: { userId: string; isAdmin: boolean },
  id: string,
) {
  const recording = await deps.store.getRecordingForOwner(id, who.userId) ??
    (who.isAdmin ? await deps.store.getRecording(id) : null);
  if (!recording) throw problem(404, "There is no such recording.");
  return await deps.store.listTrailForRecording(id);
}

/**
 * One recording job: a WAV in the spool and what it becomes (one recording or voicemail event per
 * owner, each with its own copy of the audio). Its identity comes from the WAV's place in the
 * spool, the one thing every event about it shares (RECORD_STOP names the file, each leg's hangup
 * carries `careflow_recording_path`), so the same recording seen twice, or again after a restart,
 * is one job and one event id per owner: web ingests by id and keeps one record.
 */
import { createHash } from "node:crypto";
import type { CallParty } from "../../../shared/events.ts";

/** A made transcode, as persisted once it is complete. */
export interface Transcode {
  /** File name inside the work folder. */
  file: string;
  bytes: number;
  /** Hex SHA-256 of the file (the web upload is signed over it). */
  sha256: string;
}

/** What the job file holds; written when the first event arrives, updated per stage. */
export interface RecordingJob {
  version: 1;
  id: string;
  /** The WAV, relative to the spool. */
  wav: string;
  kind: "call" | "voicemail";
  /** CareFlow IDs, each getting their own copy and event. */
  owners: string[];
  caller: CallParty;
  callee: CallParty;
  callId: string | null;
  /** When the recording ended (the event's own time), ISO. */
  endedAt: string;
  /** When the agent first heard of it, ISO: the age of a pending job. */
  createdAt: string;
  /** RECORD_STOP seen: FreeSWITCH has closed the file. */
  stopped: boolean;
  /** Set once the transcodes are complete (a restart then skips ffmpeg). */
  transcoded?: {
    durationSeconds: number;
    ogg: Transcode;
    mp3?: Transcode;
  };
  /** Owners whose copy web has confirmed. */
  done: string[];
  /** Set when the job cannot succeed as it is (kept on disk for a person); not retried. */
  parked?: string;
}

/** The job id for a WAV at `relative` in the spool: stable, short, safe in file names and ids. */
export function jobIdFor(relative: string): string {
  return createHash("sha256").update(`careflow-recording\0${relative}`).digest("hex").slice(0, 24);
}

/**
 * The event id of `owner`'s copy. Exported so the CDR builder can name the same recording in its
 * `recordingId` from `careflow_recording_path` alone.
 */
export function recordingEventId(jobId: string, owner: string): string {
  return `rec-${jobId}-${owner}`;
}

/** The event id of `owner`'s copy of the WAV at `relative` (spool-relative). */
export function recordingEventIdForPath(relative: string, owner: string): string {
  return recordingEventId(jobIdFor(relative), owner);
}

/**
 * Where `owner`'s copy goes in the shared object store. Web stores an `objectKey` as the
 * recording's storage key verbatim (`web/intake/events.ts`) and its S3 storage uses a key as the
 * object name unchanged (`web/recordings/storage/s3.ts`), so this string is the object name. The
 * agent cannot use web's own layout (`rec/<web user id>/...`): it knows owners by CareFlow ID.
 */
export function objectKeyFor(owner: string, eventId: string, format: "ogg" | "mp3"): string {
  return `agent/${owner}/${eventId}/audio.${format}`;
}

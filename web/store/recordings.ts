/** Recordings and voicemail: the records; the audio itself is in `RecordingStorage`. */
import type { CallDirection } from "../../shared/calls.ts";
import type { RecordingStatus, RecordingType } from "../../shared/recordings.ts";
import type { Recording } from "../recordings/recording.ts";

export interface RecordingQuery {
  /** 1-based page. */
  page: number;
  limit: number;
  type?: RecordingType;
  direction?: CallDirection;
  /** Without a status, deleted recordings are left out. */
  status?: RecordingStatus;
  /** Inclusive lower bound on `recordedAt`. */
  from?: Date;
  /** Exclusive upper bound on `recordedAt`. */
  to?: Date;
  /** Case-insensitive substring of the other party's name or ID, the notes or a tag. */
  q?: string;
  /** Newest first unless "oldest"; "unlistened" puts unlistened first, then newest. */
  sort?: "newest" | "oldest" | "unlistened";
}

/**
 * Fields the owner or the system may change. The parties are among them: a call recording starts
 * before the call's record exists, and is told who was on the call when it ends.
 */
export type RecordingPatch = Partial<
  Pick<
    Recording,
    | "from"
    | "to"
    | "direction"
    | "callMode"
    | "status"
    | "isListened"
    | "notes"
    | "tags"
    | "storageKey"
    | "format"
    | "durationSeconds"
    | "fileSize"
    | "deletedAt"
    | "archivedAt"
    | "purgedAt"
    | "from"
    | "to"
    | "direction"
    | "callMode"
  >
>;

export interface RecordingStore {
  /** Inserts a recording; false (and nothing changes) when the id exists. */
  insertRecording(recording: Recording): Promise<boolean>;
  /** The recording, only when `ownerUserId` owns it. */
  getRecordingForOwner(id: string, ownerUserId: string): Promise<Recording | null>;
  /** The recording whoever owns it (the system's own work: intake, sweeper). */
  getRecording(id: string): Promise<Recording | null>;
  listRecordingsForOwner(
    ownerUserId: string,
    query: RecordingQuery,
  ): Promise<{ recordings: Recording[]; total: number }>;
  /**
   * Applies `patch` and sets `updatedAt` to `at` (now when absent); null for an unknown id.
   * Callers with their own clock pass it: `listStalled` compares `updatedAt` with their times.
   */
  updateRecording(id: string, patch: RecordingPatch, at?: Date): Promise<Recording | null>;
  /** Bytes the owner's recordings hold in storage (everything not yet purged). */
  storedBytesForOwner(ownerUserId: string): Promise<number>;
  /** Unread voicemails of the owner (not deleted). */
  countUnlistenedVoicemail(ownerUserId: string): Promise<number>;
  /**
   * Recordings whose audio may be due to leave storage, not yet purged, by `recordedAt` then id:
   * deleted before `deletedBefore`, archived before `archivedBefore`, or active and recorded
   * before `recordedBefore` (each owner's own retention is the caller's to apply). `after` pages
   * past the last one of the previous page.
   */
  listPurgeCandidates(query: {
    deletedBefore: Date;
    archivedBefore: Date;
    recordedBefore: Date;
    limit: number;
    after?: { recordedAt: Date; id: string };
  }): Promise<Recording[]>;
  /** Recordings still `recording` or `processing` whose last change is older than `before`. */
  listStalled(before: Date, limit: number): Promise<Recording[]>;
}

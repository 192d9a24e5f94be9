/**
 * The access trail: append-only, one chain for the whole organisation, each entry carrying the
 * hash of the one before (`recordings/trail.ts` computes and verifies them).
 */
import type { TrailEntry } from "../recordings/recording.ts";

/** What the admins' view of the trail narrows it to; every given field must match. */
export interface TrailFilter {
  /** The user who acted (their id). */
  actorUserId?: string;
  recordingId?: string;
  /** Entries at or after this moment. */
  from?: Date;
  /** Entries before this moment. */
  to?: Date;
}

export interface AccessTrailStore {
  /**
   * Appends one entry: `build` receives the current last entry (null for the first) and returns
   * the new one, whose `seq` must be one more. Appends are serialised, also across instances, so
   * the chain never forks; a concurrent append makes the store call `build` again.
   */
  appendTrail(build: (last: TrailEntry | null) => TrailEntry): Promise<TrailEntry>;
  /** Entries about one recording, oldest first. */
  listTrailForRecording(recordingId: string): Promise<TrailEntry[]>;
  /** Entries with `seq` of at least `fromSeq`, in order, at most `limit`. */
  listTrail(fromSeq: number, limit: number): Promise<TrailEntry[]>;
  /**
   * Entries that match `filter`, newest first: at most `limit`, after skipping `offset` of
   * them (the admin section pages through it).
   */
  searchTrail(filter: TrailFilter, offset: number, limit: number): Promise<TrailEntry[]>;
}

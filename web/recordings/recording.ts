/** A recording or voicemail as web keeps it: audio in `RecordingStorage`, this record in the store. */
import type { CallDirection, CallMode, RecordParty } from "../../shared/calls.ts";
import type {
  AccessAction,
  RecordingFormat,
  RecordingStatus,
  RecordingType,
} from "../../shared/recordings.ts";

/** One recording. Only its owner ever sees it. */
export interface Recording {
  id: string;
  ownerUserId: string;
  type: RecordingType;
  callMode: CallMode;
  /** The call it belongs to (a call record id), if any. */
  callId: string | null;
  /** Who called whom, as the owner sees the call. */
  from: RecordParty;
  to: RecordParty;
  direction: CallDirection;
  /** Object key in the storage; null once purged or before any audio arrived. */
  storageKey: string | null;
  format: RecordingFormat;
  durationSeconds: number;
  fileSize: number;
  recordedAt: Date;
  status: RecordingStatus;
  isListened: boolean;
  /** Empty until transcription exists. */
  transcription: string;
  notes: string;
  tags: string[];
  /** The CareFlow ID of the party who started recording the call (null for voicemail). */
  recordedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** When it was soft-deleted; purged from storage a grace period later. */
  deletedAt: Date | null;
  archivedAt: Date | null;
  /** When its audio was removed from storage for good. */
  purgedAt: Date | null;
}

/** What the maker of a new recording decides; everything else starts alike (see `newRecording`). */
export type NewRecording =
  & Pick<
    Recording,
    | "ownerUserId"
    | "type"
    | "callMode"
    | "callId"
    | "from"
    | "to"
    | "direction"
    | "format"
    | "durationSeconds"
    | "recordedAt"
    | "status"
    | "recordedBy"
  >
  & Partial<Pick<Recording, "id" | "storageKey" | "fileSize">>;

/**
 * A recording as it is first stored: unannotated, unlistened if it is a voicemail, with a fresh id
 * unless the maker names one.
 */
export function newRecording(fields: NewRecording, now: Date): Recording {
  return {
    id: crypto.randomUUID(),
    storageKey: null,
    fileSize: 0,
    isListened: fields.type !== "voicemail",
    transcription: "",
    notes: "",
    tags: [],
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
    archivedAt: null,
    purgedAt: null,
    ...fields,
  };
}

/** One entry of the access trail: who did what to which recording, from where. */
export interface TrailEntry {
  /** Position in the one organisation-wide chain, from 1. */
  seq: number;
  at: Date;
  /** The user who acted, or null for the system (the retention sweeper). */
  actorUserId: string | null;
  recordingId: string;
  action: AccessAction;
  ip: string | null;
  userAgent: string | null;
  /** Hash of the previous entry (all zeros for the first). */
  previousHash: string;
  /** Hash of this entry's fields and `previousHash` (see `trail.ts`). */
  hash: string;
}

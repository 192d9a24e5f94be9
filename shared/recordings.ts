/**
 * The words of recordings and voicemail, for web, agent and the browser. Plain constants and
 * types (no zod); their schemas are in `schemas.ts` and `api.ts`.
 */

/** A recorded call, or a message left for someone who did not answer. */
export const RECORDING_TYPES = ["call", "voicemail"] as const;
export type RecordingType = (typeof RECORDING_TYPES)[number];

/**
 * - `recording`: audio is arriving (a call in progress); `processing`: the upload is being put
 *   together; `active`: playable; `archived`: kept past retention until unarchived;
 * - `deleted`: hidden from the owner, purged from storage after a grace period; `error`: nothing
 *   usable arrived.
 */
export const RECORDING_STATUSES = [
  "recording",
  "processing",
  "active",
  "archived",
  "deleted",
  "error",
] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

/** Audio containers accepted, recognised by their content, never by a file name. */
export const RECORDING_FORMATS = ["webm", "ogg", "wav", "mp3"] as const;
export type RecordingFormat = (typeof RECORDING_FORMATS)[number];

/** What is done to a recording that the access trail keeps. */
export const ACCESS_ACTIONS = [
  "play",
  "download",
  "delete",
  "archive",
  "unarchive",
  "purge",
] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

/** Limits of one recording. */
export const MAX_RECORDING_BYTES = 100 * 1024 * 1024;
export const MAX_RECORDING_SECONDS = 3600;

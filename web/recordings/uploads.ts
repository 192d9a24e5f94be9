/**
 * A whole recording uploaded at once (`POST /api/recordings/upload`): recognised by its bytes,
 * streamed into storage within the size limit and the owner's quota, never held in memory.
 */
import type { CallDirection, RecordParty } from "../../shared/calls.ts";
import { partyOf, userParty } from "../calls/rules.ts";
import { problem } from "../../shared/http/problem.ts";
import {
  MAX_RECORDING_BYTES,
  MAX_RECORDING_SECONDS,
  type RecordingFormat,
  type RecordingType,
} from "../../shared/recordings.ts";
import type { User } from "../store/mod.ts";
import { keys, type RecordingDeps } from "./context.ts";
import { newRecording, type Recording } from "./recording.ts";
import { CONTENT_TYPES, peek, SNIFF_BYTES, sniffFormat, wavSeconds } from "./sniff.ts";
import { StorageLimitError } from "./storage/types.ts";

/** What an upload brings. */
export interface UploadInput {
  type: RecordingType;
  /** The call it belongs to, which must be in the owner's history. */
  callId?: string;
  /** The length the uploader states; a WAV's own header wins. */
  declaredSeconds: number;
  body: ReadableStream<Uint8Array>;
}

/** The parties as the owner sees them: from the call record, or the owner alone. */
export async function partiesFor(
  deps: RecordingDeps,
  owner: User,
  callId: string | undefined,
): Promise<
  { from: RecordParty; to: RecordParty; direction: CallDirection; callMode: Recording["callMode"] }
> {
  const self = userParty(owner);
  if (!callId) return { from: self, to: self, direction: "outbound", callMode: "webrtc" };
  const call = await deps.store.getCallForUser(callId, owner.id);
  if (!call) throw problem(404, "There is no such call in your history.");
  const direction = call.callerUserId === owner.id ? "outbound" : "inbound";
  return {
    from: partyOf(call, "caller"),
    to: partyOf(call, "callee"),
    direction,
    callMode: call.mode,
  };
}

/** Room left in the owner's quota, and the byte limit of one more recording. */
export async function roomFor(deps: RecordingDeps, ownerUserId: string) {
  const used = await deps.store.storedBytesForOwner(ownerUserId);
  const left = deps.config.quotaBytes - used;
  if (left <= 0) throw quotaProblem(deps.config.quotaBytes);
  return { left, limit: Math.min(MAX_RECORDING_BYTES, left) };
}

export const quotaProblem = (quotaBytes: number) =>
  problem(
    413,
    `Your recordings use all of your ${
      Math.round(quotaBytes / 1024 / 1024)
    } MB. Delete some to make room.`,
  );

/** Reads the format from the first bytes, or refuses the upload (415). */
export async function recognise(body: ReadableStream<Uint8Array>) {
  const { head, stream } = await peek(body, SNIFF_BYTES);
  const format = sniffFormat(head);
  if (!format) {
    await stream.cancel();
    throw problem(415, "This is not a recording CareFlow can keep: send WebM, Ogg, WAV or MP3.");
  }
  return { format, head, stream };
}

/** How long the audio is: a WAV says it itself; otherwise the uploader's word, within bounds. */
function lengthOf(format: RecordingFormat, head: Uint8Array, declared: number): number {
  const seconds = format === "wav" ? wavSeconds(head) ?? declared : declared;
  if (seconds > MAX_RECORDING_SECONDS) {
    throw problem(413, `Recordings are at most ${MAX_RECORDING_SECONDS / 60} minutes long.`);
  }
  return Math.round(seconds);
}

/** Stores an uploaded recording for `owner`; resolves with the playable record. */
export async function storeUpload(
  deps: RecordingDeps,
  owner: User,
  input: UploadInput,
): Promise<Recording> {
  const parties = await partiesFor(deps, owner, input.callId);
  const room = await roomFor(deps, owner.id);
  const { format, head, stream } = await recognise(input.body);
  const durationSeconds = lengthOf(format, head, input.declaredSeconds);
  const now = deps.now();
  const recording = newRecording({
    ownerUserId: owner.id,
    type: input.type,
    callId: input.callId ?? null,
    ...parties,
    format,
    durationSeconds,
    recordedAt: now,
    status: "processing",
    recordedBy: input.type === "call" ? owner.care4wId : null,
  }, now);
  await deps.store.insertRecording(recording);
  const key = keys.audio(owner.id, recording.id);
  const size = await putWithin(deps, key, stream, format, room, recording.id);
  const stored = await deps.store.updateRecording(recording.id, {
    status: "active",
    storageKey: key,
    fileSize: size,
  }, deps.now());
  return stored!;
}

/**
 * Streams into storage; over the limit the record ends as `error` with nothing kept, and the
 * answer says which limit it was.
 */
export async function putWithin(
  deps: RecordingDeps,
  key: string,
  stream: ReadableStream<Uint8Array>,
  format: RecordingFormat,
  room: { left: number; limit: number },
  recordingId: string,
): Promise<number> {
  try {
    const { size } = await deps.storage.put(key, stream, {
      contentType: CONTENT_TYPES[format],
      maxBytes: room.limit,
    });
    return size;
  } catch (error) {
    await deps.store.updateRecording(recordingId, { status: "error" }, deps.now());
    if (!(error instanceof StorageLimitError)) throw error;
    throw room.left < MAX_RECORDING_BYTES
      ? quotaProblem(deps.config.quotaBytes)
      : problem(413, `Recordings are at most ${MAX_RECORDING_BYTES / 1024 / 1024} MB.`);
  }
}

/**
 * Recording a call while it runs: the recording browser uploads its audio in numbered parts, so a
 * tab that dies mid-call keeps what arrived; `finish` (or the sweeper, for a tab that vanished)
 * joins the parts into one object and fills in the call's parties from its record.
 */
import { problem } from "../../shared/http/problem.ts";
import { MAX_RECORDING_BYTES, MAX_RECORDING_SECONDS } from "../../shared/recordings.ts";
import type { User } from "../store/mod.ts";
import { keys, type RecordingDeps } from "./context.ts";
import { newRecording, type Recording } from "./recording.ts";
import { CONTENT_TYPES, peek, SNIFF_BYTES, sniffFormat } from "./sniff.ts";
import { userParty } from "../calls/rules.ts";
import { partiesFor, roomFor } from "./uploads.ts";
import { StorageLimitError } from "./storage/types.ts";

/** The most one part may carry (a few seconds of Opus is a few kilobytes). */
export const MAX_PART_BYTES = 8 * 1024 * 1024;

/** Starts recording `callId` for `owner`; parts follow. */
export async function startCallRecording(
  deps: RecordingDeps,
  owner: User,
  callId: string,
): Promise<Recording> {
  await roomFor(deps, owner.id);
  const now = deps.now();
  const self = userParty(owner);
  const recording = newRecording({
    ownerUserId: owner.id,
    type: "call",
    callMode: "webrtc",
    callId,
    // The call's record exists only once it ends: the parties are filled in then.
    from: self,
    to: self,
    direction: "outbound",
    format: "webm",
    durationSeconds: 0,
    recordedAt: now,
    status: "recording",
    recordedBy: owner.care4wId,
  }, now);
  await deps.store.insertRecording(recording);
  return recording;
}

/** The owner's recording that is still being recorded, or 404 / 409. */
async function recordingInProgress(deps: RecordingDeps, owner: User, id: string) {
  const recording = await deps.store.getRecordingForOwner(id, owner.id);
  if (!recording) throw problem(404, "There is no such recording.");
  if (recording.status !== "recording") {
    throw problem(409, "This recording is finished; no more audio can be added.");
  }
  return recording;
}

/** Stores part `n` (1, 2, ...) of a call recording; `elapsedSeconds` is how long it has run. */
export async function appendPart(
  deps: RecordingDeps,
  owner: User,
  input: { id: string; n: number; elapsedSeconds: number; body: ReadableStream<Uint8Array> },
): Promise<Recording> {
  const recording = await recordingInProgress(deps, owner, input.id);
  const room = await roomFor(deps, owner.id);
  const left = Math.min(room.left, MAX_RECORDING_BYTES - recording.fileSize);
  if (left <= 0) throw problem(413, `Recordings are at most ${MAX_RECORDING_BYTES >> 20} MB.`);
  let body = input.body;
  let format = recording.format;
  if (input.n === 1) {
    const peeked = await peek(body, SNIFF_BYTES);
    const sniffed = sniffFormat(peeked.head);
    if (sniffed !== "webm" && sniffed !== "ogg") {
      await peeked.stream.cancel();
      throw problem(415, "Call recordings are WebM or Ogg audio.");
    }
    body = peeked.stream;
    format = sniffed;
  }
  let size: number;
  try {
    ({ size } = await deps.storage.put(keys.part(owner.id, recording.id, input.n), body, {
      contentType: CONTENT_TYPES[format],
      maxBytes: Math.min(MAX_PART_BYTES, left),
    }));
  } catch (error) {
    if (error instanceof StorageLimitError) throw problem(413, "This part is too large.");
    throw error;
  }
  const updated = await deps.store.updateRecording(recording.id, {
    format,
    fileSize: recording.fileSize + size,
    durationSeconds: Math.max(
      recording.durationSeconds,
      Math.min(MAX_RECORDING_SECONDS, Math.round(input.elapsedSeconds)),
    ),
  }, deps.now());
  return updated!;
}

/** The owner says the recording is complete. */
export async function finishCallRecording(deps: RecordingDeps, owner: User, id: string) {
  return await finalize(deps, await recordingInProgress(deps, owner, id), owner);
}

/** One stream of every part, in order, read one part at a time. */
function joined(deps: RecordingDeps, partKeys: string[]): ReadableStream<Uint8Array> {
  let index = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream({
    async pull(controller) {
      for (;;) {
        if (!reader) {
          if (index >= partKeys.length) return controller.close();
          const part = await deps.storage.get(partKeys[index++]);
          if (!part) continue;
          reader = part.body.getReader();
        }
        const { value, done } = await reader.read();
        if (!done) return controller.enqueue(value);
        reader = null;
      }
    },
    cancel: (reason) => reader?.cancel(reason),
  });
}

/**
 * Joins the parts into the playable object and fills in the parties from the call record
 * (`owner` given when the owner asked; looked up by the sweeper). No parts: `error`, no file.
 */
export async function finalize(deps: RecordingDeps, recording: Recording, owner?: User | null) {
  const prefix = keys.parts(recording.ownerUserId, recording.id);
  const partKeys = (await deps.storage.list(prefix)).sort();
  const key = keys.audio(recording.ownerUserId, recording.id);
  if (partKeys.length === 0) {
    // Joined already (a run that stopped before marking it), or nothing ever arrived.
    const joinedBefore = await deps.storage.stat(key);
    return (await deps.store.updateRecording(
      recording.id,
      joinedBefore
        ? { status: "active", storageKey: key, fileSize: joinedBefore.size }
        : { status: "error" },
      deps.now(),
    ))!;
  }
  await deps.store.updateRecording(recording.id, { status: "processing" }, deps.now());
  const { size } = await deps.storage.put(key, joined(deps, partKeys), {
    contentType: CONTENT_TYPES[recording.format],
    maxBytes: MAX_RECORDING_BYTES,
  });
  for (const part of partKeys) await deps.storage.delete(part);
  const user = owner ?? await deps.store.findUserById(recording.ownerUserId);
  const parties = user && recording.callId
    ? await partiesFor(deps, user, recording.callId).catch(() => null)
    : null;
  return (await deps.store.updateRecording(recording.id, {
    ...(parties ?? {}),
    status: "active",
    storageKey: key,
    fileSize: size,
  }, deps.now()))!;
}

/** The other party refused: every byte recorded so far goes, and the record says deleted. */
export async function discardCallRecording(deps: RecordingDeps, owner: User, id: string) {
  const recording = await deps.store.getRecordingForOwner(id, owner.id);
  if (!recording) throw problem(404, "There is no such recording.");
  for (const key of await deps.storage.list(`rec/${owner.id}/${id}/`)) {
    await deps.storage.delete(key);
  }
  const now = deps.now();
  await deps.store.updateRecording(id, {
    status: "deleted",
    storageKey: null,
    fileSize: 0,
    deletedAt: now,
    purgedAt: now,
  }, deps.now());
}

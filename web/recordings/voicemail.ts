/**
 * Voicemail for browser calls: a caller whose call went unanswered (missed, declined, nobody
 * online) may leave one message for that call, which lands in the callee's box; the callee's
 * greeting is played to such a caller only. Ownership of the message is the callee's.
 */
import { problem } from "../../shared/http/problem.ts";
import { partyOf } from "../calls/rules.ts";
import type { User } from "../store/mod.ts";
import { keys, type RecordingDeps } from "./context.ts";
import { newRecording, type Recording } from "./recording.ts";
import { CONTENT_TYPES } from "./sniff.ts";
import { putWithin, recognise, roomFor } from "./uploads.ts";

/** How long after an unanswered call its caller may still leave a message. */
export const VOICEMAIL_WINDOW_MS = 10 * 60_000;
/** Greetings are short. */
const MAX_GREETING_BYTES = 5 * 1024 * 1024;
const UNANSWERED = new Set(["missed", "declined", "unavailable"]);

/** The call `caller` placed that went unanswered moments ago, or a 404/409 saying why not. */
async function unansweredCall(deps: RecordingDeps, caller: User, callId: string) {
  const call = await deps.store.getCallForUser(callId, caller.id);
  if (!call || call.callerUserId !== caller.id) throw problem(404, "There is no such call.");
  if (!UNANSWERED.has(call.status)) {
    throw problem(409, "A message can be left only when a call was not answered.");
  }
  if (deps.now().getTime() - call.endedAt.getTime() > VOICEMAIL_WINDOW_MS) {
    throw problem(409, "It is too late to leave a message for this call.");
  }
  const calleeUserId = call.calleeUserId;
  if (!calleeUserId) throw problem(409, "An outside phone has no CareFlow voicemail box.");
  return { ...call, calleeUserId };
}

/** Stores the caller's message in the callee's box; one message per call. */
export async function leaveVoicemail(
  deps: RecordingDeps,
  caller: User,
  input: { callId: string; declaredSeconds: number; body: ReadableStream<Uint8Array> },
): Promise<Recording> {
  const call = await unansweredCall(deps, caller, input.callId);
  const room = await roomFor(deps, call.calleeUserId).catch(() => {
    throw problem(413, `${call.calleeName}'s voicemail box is full.`);
  });
  const { format, stream } = await recognise(input.body);
  const now = deps.now();
  const message = newRecording({
    // One per call: a second upload for the same call finds this id taken.
    id: `voicemail-${call.id}`,
    ownerUserId: call.calleeUserId,
    type: "voicemail",
    callMode: call.mode,
    callId: call.id,
    from: partyOf(call, "caller"),
    to: partyOf(call, "callee"),
    direction: "inbound",
    format,
    durationSeconds: Math.max(0, Math.min(300, Math.round(input.declaredSeconds))),
    recordedAt: now,
    status: "processing",
    recordedBy: null,
  }, now);
  if (!(await deps.store.insertRecording(message))) {
    await stream.cancel();
    throw problem(409, "A message was already left for this call.");
  }
  const key = keys.audio(call.calleeUserId, message.id);
  const size = await putWithin(deps, key, stream, format, room, message.id);
  return (await deps.store.updateRecording(message.id, {
    status: "active",
    storageKey: key,
    fileSize: size,
  }, deps.now()))!;
}

/** Replaces the owner's greeting. */
export async function setGreeting(
  deps: RecordingDeps,
  owner: User,
  body: ReadableStream<Uint8Array>,
): Promise<void> {
  const { format, stream } = await recognise(body);
  const previous = owner.voicemailGreetingKey;
  const version = `${deps.now().getTime().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
  const key = keys.greeting(owner.id, version);
  await deps.storage.put(key, stream, {
    contentType: CONTENT_TYPES[format],
    maxBytes: MAX_GREETING_BYTES,
  }).catch((error) => {
    throw error instanceof Error && error.name === "StorageLimitError"
      ? problem(413, "A greeting is at most 5 MB.")
      : error;
  });
  await deps.store.updateUser(owner.id, { voicemailGreetingKey: key });
  // The old audio goes once the new one is in place; a failure leaves an orphan, not a gap.
  if (previous && previous !== key) await deps.storage.delete(previous).catch(() => {});
}

/** Removes the owner's greeting (callers then hear the spoken default). */
export async function removeGreeting(deps: RecordingDeps, owner: User): Promise<void> {
  if (owner.voicemailGreetingKey) await deps.storage.delete(owner.voicemailGreetingKey);
  await deps.store.updateUser(owner.id, { voicemailGreetingKey: null });
}

/** The greeting `user` recorded, for themselves; null when there is none. */
export function ownGreeting(deps: RecordingDeps, user: User) {
  return user.voicemailGreetingKey ? deps.storage.get(user.voicemailGreetingKey) : null;
}

/** The callee's greeting, for the caller of an unanswered call; null for the spoken default. */
export async function greetingForCall(deps: RecordingDeps, caller: User, callId: string) {
  const call = await unansweredCall(deps, caller, callId);
  const callee = await deps.store.findUserById(call.calleeUserId);
  return {
    calleeName: call.calleeName,
    audio: callee?.voicemailGreetingKey
      ? await deps.storage.get(callee.voicemailGreetingKey)
      : null,
  };
}

/**
 * A recording or voicemail Twilio finished, taken in: the record is made (processing), the MP3
 * fetched from Twilio and stored through the recordings storage, the record made playable, and
 * Twilio's copy deleted when the setting says so. Idempotent by RecordingSid: Twilio retrying the
 * callback finds the recording and changes nothing (it only tries the deletion again).
 */
import type { RecordParty } from "../../shared/calls.ts";
import { MAX_RECORDING_BYTES } from "../../shared/recordings.ts";
import { userParty } from "../calls/rules.ts";
import type { Logger } from "../log.ts";
import { keys } from "../recordings/context.ts";
import { newRecording } from "../recordings/recording.ts";
import { CONTENT_TYPES } from "../recordings/sniff.ts";
import type { RecordingStorage } from "../recordings/storage/types.ts";
import type { RecordingStore, UserStore } from "../store/mod.ts";
import type { TwilioMedia } from "./media.ts";

/** What taking a recording in needs. */
export interface TwilioRecordingDeps {
  store:
    & Pick<RecordingStore, "getRecording" | "insertRecording" | "updateRecording">
    & Pick<UserStore, "findUserByCare4wId">;
  storage: RecordingStorage;
  media: TwilioMedia;
  deleteAtTwilio: boolean;
  logger: Logger;
  now: () => Date;
}

/** One finished recording as Twilio's callback and our own URL describe it. */
export interface TwilioRecordingInput {
  recordingSid: string;
  recordingUrl: string;
  durationSeconds: number;
  callSid: string;
  kind: "call" | "voicemail";
  /** The CareFlow user it belongs to (the caller or callee of a call, the callee of a message). */
  owner: string;
  direction: "outbound" | "inbound";
  /** The outside number, E.164; empty when withheld. */
  phone: string;
}

function phoneParty(phone: string): RecordParty {
  return phone
    ? { care4wId: null, phone, displayName: phone }
    : { care4wId: null, phone: null, displayName: "Withheld number" };
}

/** Takes a recording in; `stored` the first time, `known` on a retry, `refused` for nobody's. */
export async function takeTwilioRecording(
  deps: TwilioRecordingDeps,
  input: TwilioRecordingInput,
): Promise<"stored" | "known" | "refused"> {
  const id = `twilio-${input.recordingSid}`;
  const existing = await deps.store.getRecording(id);
  // Only an intake cut short is taken up again: a retried or replayed callback must not bring
  // back what the owner deleted or archived since.
  if (existing && existing.status !== "processing") {
    await deleteAtTwilio(deps, input.recordingSid);
    return "known";
  }
  const owner = await deps.store.findUserByCare4wId(input.owner);
  if (!owner) return "refused";
  const now = deps.now();
  const user = userParty(owner);
  const other = phoneParty(input.phone);
  const [from, to] = input.direction === "outbound" ? [user, other] : [other, user];
  if (!existing) {
    await deps.store.insertRecording(newRecording({
      id,
      ownerUserId: owner.id,
      type: input.kind,
      callMode: "twilio",
      callId: input.callSid,
      from,
      to,
      direction: input.direction,
      storageKey: null,
      format: "mp3",
      durationSeconds: Math.round(input.durationSeconds),
      fileSize: 0,
      recordedAt: new Date(now.getTime() - input.durationSeconds * 1000),
      status: "processing",
      recordedBy: input.kind === "call" ? owner.care4wId : null,
    }, now));
  }
  const key = keys.audio(owner.id, id);
  const { size } = await deps.storage.put(
    key,
    await deps.media.fetchRecording(input.recordingUrl),
    {
      contentType: CONTENT_TYPES.mp3,
      maxBytes: MAX_RECORDING_BYTES,
    },
  );
  await deps.store.updateRecording(id, { status: "active", storageKey: key, fileSize: size }, now);
  await deleteAtTwilio(deps, input.recordingSid);
  return "stored";
}

async function deleteAtTwilio(deps: TwilioRecordingDeps, recordingSid: string): Promise<void> {
  if (!deps.deleteAtTwilio) return;
  await deps.media.deleteRecording(recordingSid).catch((error: unknown) => {
    // Kept here already; Twilio's copy stays until the callback is retried or someone removes it.
    deps.logger.warn("twilio recording not deleted at Twilio", {
      recordingSid,
      error: (error as Error)?.name,
    });
  });
}

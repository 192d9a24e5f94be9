/**
 * The `cdr` event web gets for a call record, and the ids everything about a call derives from.
 * Ids come from the A-leg's UUID only, so the same call seen over ESL and in mod_json_cdr's
 * folder (or twice after a restart) is one event in web, which ingests idempotently by id.
 */
import { type AgentEvent, type CallParty, cdrEventSchema } from "../../../shared/events.ts";
import { isCare4wId } from "../../../shared/care4w-id.ts";
import type { CallRecord } from "./build.ts";
import type { PartyReading } from "./parties.ts";

/** A `cdr` event (`shared/events.ts`). */
export type CdrEvent = Extract<AgentEvent, { type: "cdr" }>;

/** `cdr-<a-leg-uuid>`: the id of a call's cdr event. */
export function cdrEventId(rootUuid: string): string {
  return `cdr-${rootUuid}`;
}

/**
 * The id of the `recording` (`rec-<leg-uuid>`) or `voicemail` (`vm-<leg-uuid>`) event for a
 * recording made on a leg. The recordings side must name its events this way, so the cdr's
 * `recordingId` points at them.
 */
export function recordingEventId(kind: "recording" | "voicemail", legUuid: string): string {
  return `${kind === "voicemail" ? "vm" : "rec"}-${legUuid}`;
}

/** The event for a record, or why there is none. */
export type CdrOutcome =
  | { event: CdrEvent; record: CallRecord }
  | { event: null; record: CallRecord; problem: "unrepresentable-party" | "invalid" };

function iso(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString();
}

function party(reading: PartyReading): CallParty | null {
  return "party" in reading ? reading.party : null;
}

/**
 * The cdr event of `record`. A party that is neither a CareFlow ID nor E.164 (an extension, a
 * number without `+`, a withheld caller) cannot be written in the shared schema: then there is
 * no event (and the caller counts it). A degraded event would be worse than none: web keeps the
 * first event per id, so a later correct one (once the schema can say "withheld") would be lost.
 */
export function toCdrEvent(record: CallRecord): CdrOutcome {
  const caller = party(record.caller);
  const callee = party(record.callee);
  if (!caller || !callee) return { event: null, record, problem: "unrepresentable-party" };
  const candidate = {
    id: cdrEventId(record.rootUuid),
    type: "cdr" as const,
    // When the call ended, not when it was built: the same call always gives the same event.
    at: iso(record.endedUs),
    call: {
      id: record.rootUuid,
      mode: "sip" as const,
      status: record.status,
      caller,
      callee,
      startedAt: iso(record.startedUs),
      answeredAt: record.answeredUs === null ? null : iso(record.answeredUs),
      endedAt: iso(record.endedUs),
      ...(record.hangupCause ? { hangupCause: record.hangupCause } : {}),
      ...(record.quality ? { quality: record.quality } : {}),
      ...(record.recording?.recordedFor[0] ? { recordedBy: record.recording.recordedFor[0] } : {}),
      ...(record.recording
        ? { recordingId: recordingEventId(record.recording.kind, record.recording.legUuid) }
        : {}),
      ...(isCare4wId(record.transferredTo ?? "") ? { transferredTo: record.transferredTo } : {}),
      ...(isCare4wId(record.transferredBy ?? "") ? { transferredBy: record.transferredBy } : {}),
    },
  };
  const checked = cdrEventSchema.safeParse(candidate);
  if (!checked.success) return { event: null, record, problem: "invalid" };
  return { event: checked.data, record };
}

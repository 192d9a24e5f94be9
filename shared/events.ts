/**
 * Events the agent delivers to web (`POST /internal/events`, signed, in batches): each has an id
 * unique to that event, so a redelivered batch changes nothing. Web answers each event on its own:
 * a bad event does not block the good ones.
 */
import { z } from "zod";
import { CALL_STATUSES } from "./calls.ts";
import { RECORDING_FORMATS } from "./recordings.ts";
import { callModeSchema, callQualitySchema, care4wIdSchema, e164Schema } from "./schemas.ts";

/** Most events in one batch. */
export const MAX_EVENTS_PER_BATCH = 500;

const eventId = z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/, "must be 8-128 id characters");
const instant = z.iso.datetime({ offset: true });

/** A party of a call on the SIP or Twilio path: a CareFlow user by ID, or an outside phone. */
export const callPartySchema = z.union([
  care4wIdSchema,
  z.object({ phone: e164Schema }).strict(),
]);
export type CallParty = z.infer<typeof callPartySchema>;

/** One finished call on the SIP or Twilio path: one event per call, built from all its legs. */
export const cdrEventSchema = z.object({
  id: eventId,
  type: z.literal("cdr"),
  at: instant,
  call: z.object({
    id: z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/),
    mode: callModeSchema,
    status: z.enum(CALL_STATUSES),
    caller: callPartySchema,
    callee: callPartySchema,
    startedAt: instant,
    answeredAt: instant.nullable(),
    endedAt: instant,
    /** Why it ended, as the switch named it (Q.850 name, e.g. `NORMAL_CLEARING`, `USER_BUSY`). */
    hangupCause: z.string().regex(/^[A-Z0-9_]{1,64}$/).optional(),
    quality: callQualitySchema.optional(),
    /** Whose "record my calls" setting had the call recorded (the first, when several). */
    recordedBy: care4wIdSchema.optional(),
    /** The id of this call's `recording` or `voicemail` event, when it has one. */
    recordingId: eventId.optional(),
    /** Who transferred the caller to the callee (this call is the transfer's new call). */
    transferredBy: care4wIdSchema.optional(),
    /** Whom this call was transferred to, by one of its parties. */
    transferredTo: care4wIdSchema.optional(),
  }).strict(),
}).strict();

/**
 * A recording or voicemail the media side made. `objectKey` names audio the agent already put in
 * the shared object store; without it, web expects the audio at `PUT /internal/recordings/:id`.
 */
export const recordingEventSchema = z.object({
  id: eventId,
  type: z.enum(["recording", "voicemail"]),
  at: instant,
  recording: z.object({
    owner: care4wIdSchema,
    callId: z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/).nullable(),
    mode: callModeSchema,
    caller: callPartySchema,
    callee: callPartySchema,
    format: z.enum(RECORDING_FORMATS),
    durationSeconds: z.number().min(0).max(3600),
    recordedAt: instant,
    objectKey: z.string().regex(/^[A-Za-z0-9/_.-]{1,300}$/).optional(),
  }).strict(),
}).strict();

/** Presence and registration changes of SIP devices (shown to colleagues). */
export const deviceEventSchema = z.object({
  id: eventId,
  type: z.enum(["presence", "registration"]),
  at: instant,
  care4wId: care4wIdSchema,
  state: z.enum(["online", "offline", "busy", "registered", "unregistered"]),
}).strict();

export const agentEventSchema = z.discriminatedUnion("type", [
  cdrEventSchema,
  recordingEventSchema,
  deviceEventSchema,
]);
export type AgentEvent = z.infer<typeof agentEventSchema>;

/** Body of `POST /internal/events`. Events are validated one by one, so it only checks the list. */
export const eventBatchSchema = z.object({
  events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_BATCH),
}).strict();

/** How web took each event, in the batch's order. */
export type EventResult =
  | { id: string | null; ok: true; duplicate: boolean }
  | { id: string | null; ok: false; error: string };

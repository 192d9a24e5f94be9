/**
 * A call record Kamailio wrote as the call's dialog ended (pbx/kamailio/records.cfg, without
 * FreeSWITCH), and the `cdr` event web gets for it. Pure: the same record always gives the same
 * event, whose id comes from the dialog (Call-ID and the caller's tag) only, so a record read twice
 * (after a restart, by two agents) is one call in web, which ingests idempotently by id.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { CallStatus } from "../../../shared/calls.ts";
import { type CallParty, cdrEventSchema } from "../../../shared/events.ts";
import { care4wIdSchema, e164Schema } from "../../../shared/schemas.ts";
import type { CdrEvent } from "../cdr/cdr-event.ts";
import { kamailioMicros } from "../presence/messages.ts";

// "<seconds>.<microseconds>" from Kamailio's $TV(Sn).
const kamailioTime = z.string().regex(/^\d{1,12}\.\d{1,6}$/);
const partyText = z.union([care4wIdSchema, e164Schema]);
const optionalId = z.union([care4wIdSchema, z.literal("")]);

/** The record's JSON, as records.cfg writes it. */
export const kamailioCallRecordSchema = z.object({
  callId: z.string().min(1).max(256),
  fromTag: z.string().min(1).max(128),
  caller: partyText,
  callee: partyText,
  created: kamailioTime,
  answered: z.union([kamailioTime, z.literal("")]),
  ended: kamailioTime,
  /** The final reply to the INVITE; "" when the call failed without one this proxy could see. */
  code: z.union([z.string().regex(/^[1-6]\d\d$/), z.literal("")]),
  transferredBy: optionalId,
  transferredTo: optionalId,
}).strict();
export type KamailioCallRecord = z.infer<typeof kamailioCallRecordSchema>;

/**
 * An unanswered call's status and Q.850 cause by its final SIP reply (RFC 3398's mapping, with
 * FreeSWITCH's names, so SIP records read like the media side's). A 480 is this proxy's "no device
 * is registered" (or a callee who takes no direct calls): unavailable, not missed; a 408 is the ring
 * timeout.
 */
const UNANSWERED: Readonly<Record<string, { status: CallStatus; cause: string }>> = {
  "404": { status: "unavailable", cause: "UNALLOCATED_NUMBER" },
  "408": { status: "missed", cause: "NO_ANSWER" },
  "410": { status: "unavailable", cause: "NUMBER_CHANGED" },
  "433": { status: "declined", cause: "CALL_REJECTED" },
  "480": { status: "unavailable", cause: "NO_USER_RESPONSE" },
  "486": { status: "busy", cause: "USER_BUSY" },
  "487": { status: "cancelled", cause: "ORIGINATOR_CANCEL" },
  "600": { status: "busy", cause: "USER_BUSY" },
  "603": { status: "declined", cause: "CALL_REJECTED" },
};

/** The status and cause of a record. */
export function recordOutcome(
  record: Pick<KamailioCallRecord, "answered" | "code">,
): { status: CallStatus; cause: string | null } {
  if (record.answered !== "") return { status: "completed", cause: "NORMAL_CLEARING" };
  return UNANSWERED[record.code] ?? { status: "failed", cause: null };
}

/** `sip-<hash>`: the call id of a dialog (a Call-ID may hold characters web's ids do not). */
export function sipCallId(callId: string, fromTag: string): string {
  const digest = createHash("sha256").update(`${callId}\n${fromTag}`).digest("hex");
  return `sip-${digest.slice(0, 40)}`;
}

function party(text: string): CallParty {
  return text.startsWith("+") ? { phone: text } : text;
}

function iso(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString();
}

/** Why a record gives no event. */
export type RecordProblem = "malformed" | "invalid";

/**
 * The `cdr` event of one stream entry's JSON, or why there is none: `malformed` when it is not a
 * record records.cfg writes, `invalid` when its times or parties cannot be a call.
 */
export function cdrOfKamailioRecord(
  json: string | null,
): { event: CdrEvent } | { problem: RecordProblem } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json ?? "");
  } catch {
    return { problem: "malformed" };
  }
  const checked = kamailioCallRecordSchema.safeParse(parsed);
  if (!checked.success) return { problem: "malformed" };
  const record = checked.data;
  const created = kamailioMicros(record.created);
  const ended = kamailioMicros(record.ended);
  const answered = record.answered ? kamailioMicros(record.answered) : null;
  if (ended < created || (answered !== null && (answered < created || answered > ended))) {
    return { problem: "invalid" };
  }
  const { status, cause } = recordOutcome(record);
  const id = sipCallId(record.callId, record.fromTag);
  const event = cdrEventSchema.safeParse({
    id: `cdr-${id}`,
    type: "cdr",
    at: iso(ended),
    call: {
      id,
      mode: "sip",
      status,
      caller: party(record.caller),
      callee: party(record.callee),
      startedAt: iso(created),
      answeredAt: answered === null ? null : iso(answered),
      endedAt: iso(ended),
      ...(cause ? { hangupCause: cause } : {}),
      ...(record.transferredBy ? { transferredBy: record.transferredBy } : {}),
      ...(record.transferredTo ? { transferredTo: record.transferredTo } : {}),
    },
  });
  return event.success ? { event: event.data } : { problem: "invalid" };
}

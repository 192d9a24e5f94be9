/**
 * A Twilio call as a history record: pure, from what Twilio's `<Dial>` action reports. Twilio
 * reports the dial's outcome and the seconds connected, not when the phone started ringing, so a
 * call starts at its answer (or, unanswered, at its end).
 */
import type { CallStatus } from "../../shared/calls.ts";
import type { CallRecord } from "../calls/rules.ts";

/** Twilio's `DialCallStatus` values and the history status each means. */
export const DIAL_STATUSES = {
  completed: "completed",
  answered: "completed",
  busy: "busy",
  "no-answer": "missed",
  failed: "failed",
  canceled: "cancelled",
} as const satisfies Record<string, CallStatus>;
export type DialStatus = keyof typeof DIAL_STATUSES;

/** A CareFlow user as Twilio's call names them. */
export interface TwilioUser {
  id: string;
  care4wId: string;
  displayName: string;
}

/** What a finished Twilio call is made of. */
export interface TwilioCallOutcome {
  callSid: string;
  /** `outbound`: the user called the phone; `inbound`: the phone called the user. */
  direction: "outbound" | "inbound";
  user: TwilioUser;
  /** The outside number in E.164; empty when the caller withheld it. */
  phone: string;
  /** Whose personal phone that number is, when a user registered it: the call is theirs. */
  phoneOwner?: TwilioUser | null;
  dialStatus: DialStatus;
  connectedSeconds: number;
  endedAt: Date;
}

/** The history record of a Twilio call; its id is the CallSid, so a retried webhook adds none. */
export function twilioCallRecord(o: TwilioCallOutcome): CallRecord {
  const status = DIAL_STATUSES[o.dialStatus];
  const seconds = status === "completed" ? Math.max(0, Math.floor(o.connectedSeconds)) : 0;
  const answeredAt = status === "completed" ? new Date(o.endedAt.getTime() - seconds * 1000) : null;
  const user = {
    userId: o.user.id,
    care4wId: o.user.care4wId,
    phone: null,
    name: o.user.displayName,
  };
  // A caller who withholds their number is still a call in the history, just unnamed.
  const owner = o.phoneOwner;
  const phone = owner
    ? { userId: owner.id, care4wId: owner.care4wId, phone: null, name: owner.displayName }
    : o.phone
    ? { userId: null, care4wId: null, phone: o.phone, name: o.phone }
    : { userId: null, care4wId: null, phone: null, name: "Withheld number" };
  const [caller, callee] = o.direction === "outbound" ? [user, phone] : [phone, user];
  return {
    id: o.callSid,
    mode: "twilio",
    status,
    callerUserId: caller.userId,
    callerCare4wId: caller.care4wId,
    callerPhone: caller.phone,
    callerName: caller.name,
    calleeUserId: callee.userId,
    calleeCare4wId: callee.care4wId,
    calleePhone: callee.phone,
    calleeName: callee.name,
    startedAt: answeredAt ?? o.endedAt,
    answeredAt,
    endedAt: o.endedAt,
    durationSeconds: seconds,
    recordedBy: null,
    hangupCause: null,
    transferredBy: null,
    transferredTo: null,
    quality: null,
  };
}

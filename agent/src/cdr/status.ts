/**
 * A call's history status from how it ended. Whether anyone answered decides first; for an
 * unanswered call the legs' Q.850 hangup causes say why, the most telling one winning.
 */
import type { CallStatus } from "../../../shared/calls.ts";

/** Unanswered-call statuses by hangup cause (FreeSWITCH's Q.850 names). */
export const CAUSE_STATUS: Readonly<Record<string, CallStatus>> = {
  USER_BUSY: "busy",
  CALL_REJECTED: "declined",
  NO_ROUTE_DESTINATION: "unavailable",
  USER_NOT_REGISTERED: "unavailable",
  UNALLOCATED_NUMBER: "unavailable",
  SUBSCRIBER_ABSENT: "unavailable",
  NO_ANSWER: "missed",
  NO_USER_RESPONSE: "missed",
  ALLOTTED_TIMEOUT: "missed",
  ORIGINATOR_CANCEL: "cancelled",
};

// Causes that say nothing about the callee: a fork that lost to another device, a leg cleared
// because the call ended anyway.
const UNTELLING = new Set(["NORMAL_CLEARING", "LOSE_RACE", "PICKED_OFF", "ORIGINATOR_CANCEL"]);

// When devices of one callee ended differently (a forked call), the most useful reason first:
// someone refused, was busy, could have answered, could not be reached, or it broke.
const PRIORITY: CallStatus[] = ["declined", "busy", "missed", "unavailable", "failed"];

/** What decides the status. */
export interface StatusInput {
  /** The callee answered (a B-leg; or, with no B-leg, the switch itself). */
  answered: boolean;
  /** A voicemail was left on the call. */
  voicemail: boolean;
  /** The A-leg's hangup cause. */
  rootCause: string | null;
  /** The other legs' hangup causes. */
  otherCauses: Array<string | null>;
}

/** The status and the cause that decided it (the A-leg's when none did). */
export function callStatus(input: StatusInput): { status: CallStatus; cause: string | null } {
  const root = input.rootCause;
  if (input.voicemail) return { status: "voicemail", cause: root };
  if (input.answered) return { status: "completed", cause: root };
  if (root === "ORIGINATOR_CANCEL") return { status: "cancelled", cause: root };
  const telling = [root, ...input.otherCauses]
    .filter((cause): cause is string => cause !== null && !UNTELLING.has(cause))
    .map((cause) => ({ cause, status: CAUSE_STATUS[cause] ?? "failed" }));
  for (const status of PRIORITY) {
    const found = telling.find((t) => t.status === status);
    if (found) return found;
  }
  // Nobody answered and nothing failed (the caller hung up early, the dialplan cleared it).
  return { status: "missed", cause: root };
}

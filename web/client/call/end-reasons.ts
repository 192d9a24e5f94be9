/**
 * Why a call ended, in the words a care worker reads on screen: one table for every call engine,
 * so the same ending reads the same whichever engine carried the call.
 */
import type { CallDirection } from "../../../shared/calls.ts";
import type { EndReason } from "../../../shared/signal.ts";

/**
 * How a call ended for this tab: the signaling's reasons, two only a tab can know, and two for
 * Twilio, which ends an unanswered or busy outside call, and an invite withdrawn for whatever
 * reason, without saying why.
 */
export type CallEnd = EndReason | "error" | "offline" | "not-connected" | "rang-out";

/** [for the side that placed the call, for the side that received it] */
const TEXTS: Record<CallEnd, readonly [outbound: string, inbound: string]> = {
  unavailable: ["Not available right now", "Not available right now"],
  busy: ["Busy on another call", "Busy on another call"],
  missed: ["No answer", "Missed call"],
  "answered-elsewhere": ["Answered on another device", "Answered on another device"],
  declined: ["Declined", "You declined"],
  cancelled: ["Cancelled", "The caller hung up"],
  hangup: ["Call ended", "Call ended"],
  failed: ["Call failed: the connection was lost", "Call failed: the connection was lost"],
  "no-microphone": ["{name}'s microphone is not available", "Your microphone is not available"],
  transferred: ["Call transferred", "Call transferred"],
  error: ["Call failed", "Call failed"],
  offline: ["CareFlow is not connected", "CareFlow is not connected"],
  "not-connected": ["No answer or busy", "No answer or busy"],
  "rang-out": ["No answer", "Stopped ringing: answered elsewhere or the caller hung up"],
};

/** The words for an ending, as the side in `direction` sees it; `name`: the other party's. */
export function endText(end: CallEnd, direction: CallDirection | null, name?: string): string {
  return TEXTS[end][direction === "inbound" ? 1 : 0].replace("{name}", name || "The other side");
}

/** How an outgoing SIP call ended, from its final status (RFC 3261 §21). */
export function endOfSipStatus(status: number): CallEnd {
  if (status === 486 || status === 600) return "busy";
  if (status === 603) return "declined";
  if (status === 408) return "missed";
  if ([404, 410, 480, 484, 604].includes(status)) return "unavailable";
  if (status === 487) return "cancelled";
  return "error";
}

/** What ending the current call means in each phase: refuse it, withdraw it, or hang up. */
export function hangupKind(phase: string): "decline" | "cancel" | "hangup" {
  if (phase === "incoming") return "decline";
  if (phase === "calling" || phase === "ringing") return "cancel";
  return "hangup";
}

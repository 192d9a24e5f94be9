/**
 * An incoming SIP call ringing in the `sip` engine: shown as incoming with who handed it over (if
 * a transfer did), rung until it is answered, refused or withdrawn, and why it was withdrawn read
 * from the CANCEL.
 */
import type { Invitation, Session } from "sip.js";
import type { CallState } from "./call-state.ts";
import type { CallEnd } from "./end-reasons.ts";
import { referrerOfInvite } from "./sip-transfer.ts";
import { callerOf } from "./sip-waiting.ts";

/** Rings for an incoming call until it is answered, refused or withdrawn. */
export function ring(
  invitation: Invitation,
  calls: CallState,
  follow: (s: Session, ending: () => CallEnd) => void,
  ringTimeoutMs: number,
) {
  const since = Date.now();
  let cancelled: CallEnd = "cancelled";
  invitation.delegate = {
    onCancel: (cancel) => {
      // Kamailio's timer started a moment before this tab began to ring: allow a second.
      const rangFullTime = Date.now() - since >= ringTimeoutMs - 1000;
      cancelled = endOfCancel(cancel.request.getHeader("Reason") ?? "", rangFullTime);
    },
  };
  calls.begin({
    phase: "incoming",
    callId: invitation.request.callId,
    direction: "inbound",
    remote: callerOf(invitation),
    // Set by the colleague's transferee phone: who handed this caller over.
    transferredBy: referrerOfInvite(invitation.request),
  });
  follow(invitation, () => calls.state.phase === "incoming" ? cancelled : "hangup");
  void invitation.progress().catch(() => {});
  calls.tone("ring");
}

/**
 * Why the caller's side withdrew an incoming call: the CANCEL's Reason (RFC 3326) says another of
 * this user's devices answered (200) or a proxy gave up (408, 480). Kamailio's own ring timeout
 * sends its CANCEL without a Reason, so a call withdrawn once it has rung the whole ring time
 * was missed, not hung up.
 */
function endOfCancel(reason: string, rangFullTime: boolean): CallEnd {
  const cause = Number(/cause=(\d{3})/.exec(reason)?.[1] ?? 0);
  if (cause === 200) return "answered-elsewhere";
  if (cause === 408 || cause === 480 || rangFullTime) return "missed";
  return "cancelled";
}

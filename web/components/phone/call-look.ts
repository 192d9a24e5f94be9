/**
 * How each call state looks, so states differ at a glance and not only by their words: one
 * "look" per state, each with its icon (StateIcon.tsx) and colour (`--state-*` in calls.css,
 * whose contrast a test checks). An ordinary ending is neutral; only a failure is red.
 */
import type { CallSnapshot } from "../../client/call/types.ts";

export type Look =
  | "ringing"
  | "connecting"
  | "connected"
  | "held"
  | "remote-held"
  | "muted"
  | "reconnecting"
  | "ended"
  | "failed";

/** Endings that are a failure (red), not simply a call that is over. */
const FAILURES = new Set(["failed", "error", "offline"]);

/** The look of `call` right now. */
export function lookOf(call: CallSnapshot): Look {
  switch (call.phase) {
    case "connecting":
      return "connecting";
    case "reconnecting":
      return "reconnecting";
    case "connected":
      return call.held
        ? "held"
        : call.remoteHeld
        ? "remote-held"
        : call.muted
        ? "muted"
        : "connected";
    case "ended":
      // No kind: the device itself failed (a refused microphone, say), in the engine's words.
      return !call.endKind || FAILURES.has(call.endKind) ? "failed" : "ended";
    default:
      return "ringing";
  }
}

/**
 * How a call ended, said with whom: "Missed call from Ada Lovelace"; other endings keep the
 * engine's words ("Busy on another call"), the party being shown beside them.
 */
export function endWords(call: CallSnapshot): string {
  const reason = call.endReason ?? "Call ended";
  const name = call.remote?.displayName || call.remote?.care4wId;
  if (call.endKind === "missed" && call.direction === "inbound" && name && !reason.includes(name)) {
    return `${reason} from ${name}`;
  }
  return reason;
}

/** Whether nothing has focus any more (the focused control went away with the call's phase). */
export function focusIsLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || !active.isConnected;
}

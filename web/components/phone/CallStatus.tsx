import { useEffect, useState } from "preact/hooks";
import type { CallSnapshot } from "../../client/call/types.ts";

/** The one line that says what the call is doing, for eyes and screen readers. */
export function statusText(call: CallSnapshot): string {
  switch (call.phase) {
    case "calling":
      return "Calling…";
    case "ringing":
      return "Ringing…";
    case "incoming":
      return "Incoming call";
    case "connecting":
      return "Connecting…";
    case "reconnecting":
      return "Reconnecting…";
    case "connected":
      if (call.held) return "On hold";
      if (call.remoteHeld) return "On hold by the other side";
      return call.muted ? "Connected · muted" : "Connected";
    case "ended":
      return `Ended: ${call.endReason ?? "call ended"}`;
    default:
      return call.ready ? "Ready" : "Connecting to CareFlow…";
  }
}

function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return minutes >= 60
    ? `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}:${seconds}`
    : `${minutes}:${seconds}`;
}

/** Ticking call timer from the moment audio connected. */
export function CallTimer(props: { since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return <span class="timer" data-testid="call-timer">{formatDuration(now - props.since)}</span>;
}

/** Good / fair / poor, as a labelled meter. */
export function QualityBadge(props: { quality: CallSnapshot["quality"] }) {
  if (!props.quality) return null;
  return (
    <span class={`quality quality-${props.quality}`} data-testid="call-quality">
      Line: {props.quality}
    </span>
  );
}

/**
 * The phone's keyboard, wherever the dashboard has focus (but not while typing into a field):
 * A answers and D declines a ringing call; during a call M mutes, H holds, E ends it, and
 * digits, * and # go to the other side as tones. Listed in the call card (CALL_KEYS).
 */
import type { CallEngine, CallSnapshot } from "./call/types.ts";

/** What the keys do, as the call card lists them. */
export const CALL_KEYS = {
  incoming: "A answer · D decline",
  live: "M mute · H hold · E end · digits send tones",
} as const;

/** Whether `event` belongs to a field the person is typing in. */
function typing(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  return !!target && (target.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

/**
 * The action of `event` on the current call, or null: no modifier, not in a field. `onTone`
 * hears the tones sent, for the card to echo them.
 */
export function callKeyAction(
  event: KeyboardEvent,
  call: CallSnapshot,
  engine: CallEngine,
  onTone: (tone: string) => void,
): (() => void) | null {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return null;
  const key = event.key.toLowerCase();
  if (call.phase === "incoming") {
    if (key === "a") return () => void engine.answer();
    if (key === "d") return () => engine.decline();
    return null;
  }
  if (call.phase !== "connected" && call.phase !== "reconnecting") return null;
  if (key === "m") return () => engine.setMuted(!call.muted);
  if (key === "h" && engine.canHold) return () => engine.setHeld(!call.held);
  if (key === "e") return () => engine.hangup();
  if (/^[0-9*#]$/.test(key)) {
    return () => {
      engine.sendDtmf(key);
      onTone(key);
    };
  }
  return null;
}

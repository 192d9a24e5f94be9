/**
 * Whether this tab is in use, told to the server for colleagues' "away" (the call service keeps
 * the hub address `active:<userId>` from it, web/calls/activity.ts): `active: true` after input
 * while the page is visible (at most every `INPUT_REPORT_MS`, so typing costs nothing), `false`
 * at once when the page is hidden, and the page's state again each time the socket reconnects.
 * The server, not the page, decides when no input for a while means idle (`AWAY_AFTER_SECONDS`).
 *
 * Only the webrtc engine has a signaling socket. In sip mode presence comes from the SIP
 * registration alone (the agent's events): such a user is available or offline, never away.
 */
import type { TabMessage } from "../../shared/signal.ts";

/** Input is reported at most this often (the server's idle time is at least 15 s). */
export const INPUT_REPORT_MS = 10_000;
const INPUT_EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"] as const;

/** The tracker of one tab. */
export interface ActivityTracker {
  /** The socket (re)connected: the page's state is told now, and tracking starts. */
  connected(): void;
  /** Stops listening (the engine stops). */
  stop(): void;
}

/** Tracks this page's use; `send` is the signaling socket's (false while it is down). */
export function trackActivity(
  send: (message: TabMessage) => boolean,
  now: () => number = Date.now,
): ActivityTracker {
  let listening = false;
  /** What the server last heard, and when; null: nothing since the socket connected. */
  let told: { active: boolean; at: number } | null = null;
  const visible = () => document.visibilityState === "visible";
  const tell = (active: boolean) => {
    if (send({ type: "activity", active })) told = { active, at: now() };
  };
  const onInput = () => {
    if (!visible()) return;
    if (told?.active && now() - told.at < INPUT_REPORT_MS) return;
    tell(true);
  };
  const onVisibility = () => tell(visible());
  return {
    connected() {
      told = null;
      if (!listening) {
        listening = true;
        for (const type of INPUT_EVENTS) {
          addEventListener(type, onInput, { capture: true, passive: true });
        }
        document.addEventListener("visibilitychange", onVisibility);
      }
      tell(visible());
    },
    stop() {
      listening = false;
      for (const type of INPUT_EVENTS) removeEventListener(type, onInput, { capture: true });
      document.removeEventListener("visibilitychange", onVisibility);
    },
  };
}

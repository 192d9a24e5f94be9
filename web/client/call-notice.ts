/**
 * A desktop notification for a call ringing while the tab is in the background: who is calling
 * (name and CareFlow ID); clicking it brings the tab forward, where the call card has Answer
 * focused. Permission is asked for only when the person presses the card's button, never on
 * page load. (Answer and Decline inside the notification itself need a service worker; this
 * page has none.)
 */
import type { CallSnapshot } from "./call/types.ts";

/** Whether notifications could be turned on here, or are. */
export function notificationState(): "unsupported" | NotificationPermission {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

/** Asks the browser (after the person pressed the button). */
export async function askForNotifications(): Promise<NotificationPermission | "unsupported"> {
  if (typeof Notification === "undefined") return "unsupported";
  return await Notification.requestPermission();
}

/** Shows the ringing call when the tab is hidden; returns how to take it away again. */
export function notifyRinging(call: CallSnapshot): () => void {
  if (notificationState() !== "granted" || document.visibilityState === "visible") return () => {};
  const who = call.remote?.displayName ?? "Someone";
  const notice = new Notification(`${who} is calling`, {
    body: call.remote?.care4wId ? `CareFlow ID ${call.remote.care4wId}` : "A call on CareFlow",
    tag: call.callId ?? "careflow-call",
    requireInteraction: true,
  });
  notice.onclick = () => {
    focus();
    notice.close();
  };
  return () => notice.close();
}

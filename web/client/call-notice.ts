/**
 * A desktop notification for a call ringing while the tab is in the background: who is calling
 * (name and CareFlow ID), with Answer and Decline. Buttons on a notification need a service
 * worker (`/static/call-worker.js`): the page hands it the notice, the worker shows it and,
 * when a button is pressed, tells this very tab (and brings it forward), which then answers or
 * declines. Where there is no service worker, a plain notification whose click brings the tab
 * forward. Permission is asked for only when the person presses the phone's button, never on
 * page load. Loaded with the call card (lazily), not up front.
 */
import type { CallSnapshot } from "./call/types.ts";
import { settingsNow } from "./settings.ts";

/** The worker script and its scope: a folder with no pages in it, so it controls nothing. */
const WORKER = "/static/call-worker.js";
const SCOPE = "/static/call-worker/";

/** What the worker posts to the tab when a notification's button is pressed. */
export interface NoticeAction {
  type: "careflow-call-action";
  action: "answer" | "decline" | "open";
  callId: string | null;
}

/** Whether notifications could be turned on here, or are. */
export function notificationState(): "unsupported" | NotificationPermission {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

/** Asks the browser (after the person pressed the button); readies the worker when allowed. */
export async function askForNotifications(): Promise<NotificationPermission | "unsupported"> {
  if (typeof Notification === "undefined") return "unsupported";
  const answer = await Notification.requestPermission();
  if (answer === "granted") void callWorker();
  return answer;
}

let worker: Promise<ServiceWorker | null> | null = null;

/** The call worker once active, or null where service workers are unavailable or refused. */
export function callWorker(): Promise<ServiceWorker | null> {
  if (!("serviceWorker" in navigator)) return Promise.resolve(null);
  return worker ??= navigator.serviceWorker.register(WORKER, { scope: SCOPE }).then(
    (registration) => {
      const pending = registration.active ?? registration.waiting ?? registration.installing;
      if (!pending || pending.state === "activated") return pending;
      return new Promise<ServiceWorker>((resolve) =>
        pending.addEventListener("statechange", () => {
          if (pending.state === "activated") resolve(pending);
        })
      );
    },
    () => null,
  );
}

/**
 * Hears the worker's button presses for as long as the page lives; returns how to stop. Only
 * presses for `callId`s this tab rings with matter (the caller checks).
 */
export function listenForNoticeActions(onAction: (action: NoticeAction) => void): () => void {
  if (!("serviceWorker" in navigator)) return () => {};
  const container = navigator.serviceWorker;
  const listener = (event: MessageEvent) => {
    if (event.data?.type === "careflow-call-action") onAction(event.data as NoticeAction);
  };
  container.addEventListener("message", listener);
  // The page is not controlled by the worker: its messages wait for this before they arrive.
  container.startMessages();
  return () => container.removeEventListener("message", listener);
}

/**
 * Shows the ringing call when the tab is hidden and the user wants such notices
 * (`notifications.incoming`); returns how to take it away again.
 */
export function notifyRinging(call: CallSnapshot): () => void {
  if (
    notificationState() !== "granted" || document.visibilityState === "visible" ||
    !settingsNow().notifications.incoming
  ) return () => {};
  const who = call.remote?.displayName ?? "Someone";
  const title = `${who} is calling`;
  const tag = call.callId ?? "careflow-call";
  const options = {
    body: call.remote?.care4wId ? `CareFlow ID ${call.remote.care4wId}` : "A call on CareFlow",
    tag,
    requireInteraction: true,
  };
  let closed = false;
  let close = () => {};
  void callWorker().then((active) => {
    if (closed) return;
    if (active) {
      // The worker shows it, so it knows which tab (client) to answer the buttons to.
      active.postMessage({ type: "careflow-ring", title, options, callId: call.callId });
      close = () => active.postMessage({ type: "careflow-ring-over", tag });
      return;
    }
    const notice = new Notification(title, options);
    notice.onclick = () => {
      focus();
      notice.close();
    };
    close = () => notice.close();
  });
  return () => {
    closed = true;
    close();
  };
}

/**
 * A one-off notice (a missed call, a new voicemail, a recording started) while the tab is in the
 * background: shown through the call worker's registration where there is one (so it is listed
 * with the call notices and a click brings the tab forward), else as a plain notification.
 * Nothing when notifications are not allowed or the tab is in front (the page shows it).
 */
export async function notifyOnce(title: string, body: string, tag: string): Promise<void> {
  if (notificationState() !== "granted" || document.visibilityState === "visible") return;
  const registration = "serviceWorker" in navigator
    ? await navigator.serviceWorker.getRegistration(SCOPE)
    : undefined;
  if (registration) return await registration.showNotification(title, { body, tag });
  const notice = new Notification(title, { body, tag });
  notice.onclick = () => {
    focus();
    notice.close();
  };
}

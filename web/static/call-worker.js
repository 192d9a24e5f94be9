/**
 * CareFlow's call-notice worker (registered by web/client/call-notice.ts, scope
 * /static/call-worker/, a folder with no pages: it controls no page and handles no fetch).
 * Notifications with buttons can only be shown by a service worker, so a ringing tab hands its
 * notice here. When a button (Answer, Decline) or the notice itself is pressed, the worker tells
 * the tab that showed it and brings that tab forward; the tab answers or declines.
 */
/// <reference lib="webworker" />
// deno-lint-ignore-file no-var
/** @type {ServiceWorkerGlobalScope} */
var worker = /** @type {any} */ (self);

/** The buttons of a ringing notice. */
var ACTIONS = [
  { action: "answer", title: "Answer" },
  { action: "decline", title: "Decline" },
];

worker.addEventListener("install", () => worker.skipWaiting());

worker.addEventListener("message", (event) => {
  const data = event.data ?? {};
  if (data.type === "careflow-ring") {
    const source = /** @type {Client | null} */ (event.source);
    event.waitUntil(worker.registration.showNotification(String(data.title), {
      ...data.options,
      actions: ACTIONS,
      data: { callId: data.callId ?? null, clientId: source?.id ?? null },
    }));
  } else if (data.type === "careflow-ring-over") {
    event.waitUntil(
      worker.registration.getNotifications({ tag: String(data.tag) }).then((notices) => {
        for (const notice of notices) notice.close();
      }),
    );
  }
});

worker.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(pressed(event.notification.data ?? {}, event.action || "open"));
});

/**
 * Tells the tab that showed the notice what was pressed and focuses it; when that tab is gone
 * (reloaded), every CareFlow tab hears it (each acts only on a call it rings with).
 * @param {{ callId?: string | null, clientId?: string | null }} data
 * @param {string} action
 */
async function pressed(data, action) {
  const message = { type: "careflow-call-action", action, callId: data.callId ?? null };
  const shower = data.clientId ? await worker.clients.get(data.clientId) : undefined;
  const tabs = shower ? [shower] : await worker.clients.matchAll({
    type: "window",
    includeUncontrolled: true,
  });
  for (const tab of tabs) tab.postMessage(message);
  const first = /** @type {WindowClient | undefined} */ (tabs[0]);
  // Focusing needs the click's user activation; a test calling this directly has none.
  await first?.focus?.().catch(() => {});
}

// For tests, which cannot press a real notification's button.
worker.careflowPressed = pressed;

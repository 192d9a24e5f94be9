/**
 * The missed-call count the phone shows, kept equal to the History badge in the navigation: it
 * starts from the server's count (the Phone island's prop), goes up when a call is missed on
 * this page (also on the History badge), and follows the navigation each time section
 * navigation swaps it in (the server counts anew; opening History clears it). Loaded with the
 * call card, not up front.
 *
 * `notifications.missed` decides whether a missed call is told: on, a desktop notice while the
 * tab is in the background and the phone's "N missed calls" reminder; off, neither (History
 * still marks the calls it has not shown, as its own list). The notices that follow a call (a
 * voicemail left after it, the other side recording it) start here too, for the page's life.
 */
import { effect, type Signal } from "@preact/signals";
import type { CallSnapshot } from "./call/types.ts";
import { notifyOnce } from "./call-notice.ts";
import { watchPeerRecording } from "./record-notice.ts";
import { loadSettings, onSettings, settingsNow } from "./settings.ts";
import { watchForVoicemail } from "./voicemail.ts";

const HISTORY = "/dashboard/history";

function historyLink(): HTMLAnchorElement | null {
  return document.querySelector<HTMLAnchorElement>(`nav.tabs a[href="${HISTORY}"]`);
}

/** The count on the History link now (0 without a badge; "99+" reads as 99). */
export function navCount(): number {
  const shown = historyLink()?.querySelector(".nav-badge [aria-hidden]")?.textContent ?? "0";
  return parseInt(shown, 10) || 0;
}

/** Shows `count` on the History link as the server renders it (components/AppShell.tsx). */
export function showNavCount(count: number): void {
  const link = historyLink();
  if (!link) return;
  link.querySelector(".nav-badge")?.remove();
  if (count <= 0) return;
  const badge = document.createElement("span");
  badge.className = "nav-badge";
  badge.dataset.testid = "nav-badge";
  const shown = document.createElement("span");
  shown.setAttribute("aria-hidden", "true");
  shown.textContent = count > 99 ? "99+" : String(count);
  const said = document.createElement("span");
  said.className = "visually-hidden";
  said.textContent = `(${count} missed)`;
  badge.append(shown, said);
  link.append(badge);
}

/** Whether missed calls are told (the setting); the phone's count is 0 while they are not. */
const told = () => settingsNow().notifications.missed;

/** Keeps `missed` up to date for as long as the page lives; returns how to stop. */
export function trackMissed(missed: Signal<number>, call: Signal<CallSnapshot>): () => void {
  const counted = new Set<string>();
  const follow = () => (missed.value = told() ? navCount() : 0);
  void loadSettings().then(() => !told() && (missed.value = 0));
  const unlisten = onSettings(follow);
  const stopCounting = effect(() => {
    const ended = call.value;
    if (
      ended.phase !== "ended" || ended.direction !== "inbound" || !ended.callId ||
      counted.has(ended.callId)
    ) return;
    counted.add(ended.callId);
    // Unanswered: the caller may leave a message now.
    if (ended.endKind === "missed" || ended.endKind === "declined") watchForVoicemail();
    if (ended.endKind !== "missed") return;
    if (told()) {
      const who = ended.remote?.displayName ?? ended.remote?.care4wId ?? "someone";
      void notifyOnce(`Missed call from ${who}`, "CareFlow", `careflow-missed-${ended.callId}`);
    }
    // On History itself the server shows no badge: the call counts once the person leaves.
    if (location.pathname === HISTORY) return;
    const count = (told() ? missed.peek() : navCount()) + 1;
    showNavCount(count);
    if (told()) missed.value = count;
  });
  const nav = document.querySelector("nav.tabs");
  const observer = new MutationObserver(follow);
  if (nav) observer.observe(nav, { childList: true });
  const stopRecordingNotices = watchPeerRecording(call);
  return () => {
    stopCounting();
    unlisten();
    observer.disconnect();
    stopRecordingNotices();
  };
}

/**
 * Everything that tells a person a call is ringing beyond the card itself, each undone when the
 * ringing stops: the tab's title ("Ringing: Ada Lovelace · …"), a badge on the favicon, and a
 * desktop notification when the tab is in the background (call-notice.ts). Loaded with the
 * call card, not up front.
 */
import type { CallSnapshot } from "./call/types.ts";
import { notifyRinging } from "./call-notice.ts";

const MARKER = "Ringing: ";

/** The favicon (web/static/favicon.svg) with a red dot: a tab strip shows which tab rings. */
export const RINGING_ICON = "data:image/svg+xml," + encodeURIComponent(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
    `<rect width="32" height="32" rx="8" fill="#0b6e6e"/>` +
    `<path d="M10 8c1 0 2 2.5 2.5 4 .3 1-1.5 2-1.5 2.5 0 1.5 3 4.5 4.5 4.5.5 0 1.5-1.8 2.5-1.5 ` +
    `1.5.5 4 1.5 4 2.5 0 2-2 4-4 4-6 0-12-6-12-12 0-2 2-4 4-4z" fill="#fff"/>` +
    `<circle cx="25" cy="7" r="6.5" fill="#d93025" stroke="#fff" stroke-width="2"/></svg>`,
);

/** The title without the ringing marker. */
function plainTitle(): string {
  const title = document.title;
  return title.startsWith(MARKER) ? title.slice(title.indexOf(" · ") + 3) : title;
}

/** Puts the badge on the favicon; returns how to take it off. */
export function badgeFavicon(): () => void {
  const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) return () => {};
  const was = link.getAttribute("href") ?? "/static/favicon.svg";
  link.href = RINGING_ICON;
  return () => link.setAttribute("href", was);
}

/** Starts every alert for the ringing `call`; returns how to stop them all. */
export function alertRinging(call: CallSnapshot): () => void {
  const who = call.remote?.displayName ?? call.remote?.care4wId ?? "a call";
  document.title = `${MARKER}${who} · ${plainTitle()}`;
  const unbadge = badgeFavicon();
  const unnotify = notifyRinging(call);
  return () => {
    document.title = plainTitle();
    unbadge();
    unnotify();
  };
}

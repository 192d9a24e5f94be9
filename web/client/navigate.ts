/**
 * Moving between dashboard sections without leaving the page, so the phone keeps its call: a
 * click on a link to another section fetches that section's page and swaps in its main part and
 * navigation, hydrating the islands that came with it (as Fresh's partials do). The links stay
 * real links: without JavaScript, or for anything this cannot do, the browser simply loads the
 * page. A section's GET forms go the same way. Back and forward work through the history entries
 * it adds.
 */
import { render } from "preact";
import { hydrateIslands, readIslands } from "./boot.ts";

let enabled = false;
let current: AbortController | null = null;

/** Turns section navigation on for this page (once; later calls do nothing). */
export function enableSectionNavigation(): void {
  if (enabled) return;
  enabled = true;
  document.addEventListener("click", (event) => {
    const link = (event.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
    if (!link || !isSectionLink(link, event)) return;
    event.preventDefault();
    void navigate(link.href, true);
  });
  // A section's own GET form (Analytics' period, the access trail's filters) is a link too.
  document.addEventListener("submit", (event) => {
    const form = event.target as HTMLFormElement;
    const href = sectionFormHref(form, event);
    if (!href) return;
    event.preventDefault();
    void navigate(href, true);
  });
  addEventListener("popstate", () => void navigate(location.href, false));
}

/** Where a GET form inside a section goes, or null for any other form (POSTs go as they are). */
function sectionFormHref(form: HTMLFormElement, event: SubmitEvent): string | null {
  if (event.defaultPrevented || form.method.toLowerCase() !== "get" || form.target) return null;
  if (!form.closest("main.content")) return null;
  const url = new URL(form.action || location.href);
  if (url.origin !== location.origin || !/^\/dashboard(\/|$)/.test(url.pathname)) return null;
  const data = new FormData(form, event.submitter);
  url.search = new URLSearchParams(
    [...data].filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  ).toString();
  return url.href;
}

function isSectionLink(link: HTMLAnchorElement, event: MouseEvent): boolean {
  if (event.defaultPrevented || event.button !== 0) return false;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  if (link.target || link.hasAttribute("download")) return false;
  const url = new URL(link.href);
  return url.origin === location.origin && /^\/dashboard(\/|$)/.test(url.pathname);
}

/** Shows the section at `href`; falls back to a page load when it cannot. */
async function navigate(href: string, push: boolean): Promise<void> {
  current?.abort();
  const controller = current = new AbortController();
  let text: string;
  try {
    const response = await fetch(href, { signal: controller.signal });
    // Signed out meanwhile (a redirect to /login), or any other trouble: the browser's way.
    if (!response.ok || !new URL(response.url).pathname.startsWith("/dashboard")) {
      return location.assign(href);
    }
    text = await response.text();
  } catch (error) {
    if ((error as Error).name !== "AbortError") location.assign(href);
    return;
  }
  if (controller.signal.aborted) return;
  const next = new DOMParser().parseFromString(text, "text/html");
  const main = document.querySelector("main.content");
  const nextMain = next.querySelector("main.content");
  const nav = document.querySelector("nav.tabs");
  const nextNav = next.querySelector("nav.tabs");
  if (!main || !nextMain || !nav || !nextNav) return location.assign(href);
  // The leaving section's islands end their effects (lookups, timers) before they go.
  for (const island of main.querySelectorAll("cf-island[data-hydrated]")) render(null, island);
  main.replaceChildren(...[...nextMain.childNodes].map((node) => document.importNode(node, true)));
  nav.replaceChildren(...[...nextNav.childNodes].map((node) => document.importNode(node, true)));
  document.title = next.title;
  if (push) history.pushState(null, "", href);
  scrollTo(0, 0);
  // Where a screen reader and the keyboard continue: the new section's heading.
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
  await hydrateIslands(main, readIslands(next));
}

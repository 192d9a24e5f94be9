import { h } from "preact";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { IslandCollector, IslandCollectorContext } from "./island.ts";
import { escapeHtml, jsonForScript } from "./serialize.ts";
import type { Manifest } from "../build/manifest.ts";

export interface PageOptions {
  title: string;
  // deno-lint-ignore no-explicit-any -- any page component, whatever its props
  body: VNode<any>;
  /** Per-request CSP nonce; only the boot script carries it. */
  nonce: string;
  manifest: Manifest;
}

/**
 * Renders a whole HTML document. Islands found during the render get their props serialised and
 * ONE nonce'd module script that loads the boot chunk and the islands' chunks; a page without
 * islands gets no script element at all.
 */
export function renderPage({ title, body, nonce, manifest }: PageOptions): string {
  const collector = new IslandCollector();
  const bodyHtml = renderToString(h(IslandCollectorContext.Provider, { value: collector }, body));
  const hasIslands = collector.islands.length > 0;
  const scripts = hasIslands ? bootScripts(collector, nonce, manifest) : "";
  const preloads = hasIslands ? modulePreloads(collector, nonce, manifest) : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)} · CareFlow</title>` +
    `<link rel="stylesheet" href="${escapeHtml(manifest.styles)}">${preloads}` +
    `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">` +
    `</head><body>${bodyHtml}${scripts}</body></html>`;
}

/**
 * `modulepreload` links for the boot module, the page's islands and everything they import
 * statically: the browser fetches them all at once instead of discovering one import after
 * another (each a round trip on a slow link), the main content's first.
 */
function modulePreloads(collector: IslandCollector, nonce: string, manifest: Manifest): string {
  // The main content's islands first, then the rest (the phone, the header's).
  const names = [...collector.primary, ...collector.islands.map((island) => island.name)];
  const entries = [manifest.boot, ...new Set(names.map((name) => manifest.islands[name]))];
  const urls = new Set<string>();
  for (const entry of entries) {
    if (!entry) continue;
    urls.add(entry);
    for (const imported of manifest.imports?.[entry] ?? []) urls.add(imported);
  }
  return [...urls].map((url) =>
    `<link rel="modulepreload" href="${escapeHtml(url)}" nonce="${escapeHtml(nonce)}">`
  ).join("");
}

function bootScripts(collector: IslandCollector, nonce: string, manifest: Manifest): string {
  const chunks: Record<string, string> = {};
  for (const island of collector.islands) {
    const url = manifest.islands[island.name];
    if (!url) throw new Error(`island ${island.name} is missing from the build manifest`);
    chunks[island.name] = url;
  }
  // The chunks ride with the islands' props: section navigation (client/navigate.ts) reads both
  // from a page it fetched.
  const blob = { islands: collector.islands, chunks };
  const boot = `import{boot}from${jsonForScript(manifest.boot)};boot();`;
  return `<script type="application/json" id="cf-islands">${
    jsonForScript(blob)
  }</script><script type="module" nonce="${escapeHtml(nonce)}">${boot}</script>`;
}

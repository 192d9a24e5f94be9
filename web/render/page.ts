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
  const scripts = collector.islands.length > 0 ? bootScripts(collector, nonce, manifest) : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)} · CareFlow</title>` +
    `<link rel="stylesheet" href="${escapeHtml(manifest.styles)}">` +
    `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">` +
    `</head><body>${bodyHtml}${scripts}</body></html>`;
}

function bootScripts(collector: IslandCollector, nonce: string, manifest: Manifest): string {
  const chunks: Record<string, string> = {};
  for (const island of collector.islands) {
    const url = manifest.islands[island.name];
    if (!url) throw new Error(`island ${island.name} is missing from the build manifest`);
    chunks[island.name] = url;
  }
  const boot = `import{boot}from${jsonForScript(manifest.boot)};boot(${jsonForScript(chunks)});`;
  return `<script type="application/json" id="cf-islands">${
    jsonForScript(collector.islands)
  }</script><script type="module" nonce="${escapeHtml(nonce)}">${boot}</script>`;
}

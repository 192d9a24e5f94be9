import { h, hydrate } from "preact";

interface IslandData {
  id: number;
  name: string;
  props: Record<string, unknown>;
}

/** A page's islands and where each one's chunk is (the `cf-islands` script, render/page.ts). */
export interface IslandsBlob {
  islands: IslandData[];
  chunks: Record<string, string>;
}

/** The islands `doc` was rendered with. */
export function readIslands(doc: Document): IslandsBlob {
  const text = doc.getElementById("cf-islands")?.textContent;
  return text ? JSON.parse(text) as IslandsBlob : { islands: [], chunks: {} };
}

/**
 * Hydrates the islands under `root` that are not yet. Chunks are loaded in parallel; each island
 * hydrates as soon as its own chunk arrives, so a slow island never holds up a fast one.
 */
export function hydrateIslands(root: ParentNode, blob: IslandsBlob): Promise<void[]> {
  return Promise.all(blob.islands.map(async (island) => {
    const element = root.querySelector(`cf-island[data-id="${island.id}"]:not([data-hydrated])`);
    const url = blob.chunks[island.name];
    if (!element || !url) return;
    const module = await import(url);
    hydrate(h(module.default, island.props), element);
    element.setAttribute("data-hydrated", "");
  }));
}

/** Hydrates every island on the page. */
export function boot(): Promise<void[]> {
  return hydrateIslands(document, readIslands(document));
}

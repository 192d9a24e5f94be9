import { h, hydrate } from "preact";

interface IslandData {
  id: number;
  name: string;
  props: Record<string, unknown>;
}

/**
 * Hydrates every island on the page. Chunks are loaded in parallel; each island hydrates as soon
 * as its own chunk arrives, so a slow island never holds up a fast one.
 */
export function boot(chunks: Record<string, string>): Promise<void[]> {
  const data = document.getElementById("cf-islands")?.textContent ?? "[]";
  const islands = JSON.parse(data) as IslandData[];
  return Promise.all(islands.map(async (island) => {
    const element = document.querySelector(`cf-island[data-id="${island.id}"]`);
    const url = chunks[island.name];
    if (!element || !url) return;
    const module = await import(url);
    hydrate(h(module.default, island.props), element);
    element.setAttribute("data-hydrated", "");
  }));
}

import { createContext, h } from "preact";
import type { ComponentType } from "preact";
import { useContext } from "preact/hooks";

/** One island rendered into a page: which component, with which props. */
export interface RenderedIsland {
  id: number;
  name: string;
  props: unknown;
}

/** Collects the islands of ONE render; a fresh collector per request keeps ids per request. */
export class IslandCollector {
  readonly islands: RenderedIsland[] = [];
  /** Names of the islands of the page's main content, which the page preloads first. */
  readonly primary = new Set<string>();

  add(name: string, props: unknown, primary = false): number {
    const id = this.islands.length;
    this.islands.push({ id, name, props });
    if (primary) this.primary.add(name);
    return id;
  }
}

/**
 * True inside a page's main content (the section a person came for). Its islands' chunks are
 * fetched first: on a slow link a browser fetches six at a time, and the dial pad should not
 * wait behind the header's copy button.
 */
export const PrimaryContent = createContext(false);

/** Null inside an island, so islands nested in islands render as plain components. */
export const IslandCollectorContext = createContext<IslandCollector | null>(null);

/**
 * Marks a component as an island: on the server it renders the component inside a
 * `<cf-island data-id>` element and records its props for hydration. `name` must equal the
 * island's file name in `web/islands/` (the build makes one entry per file).
 */
export function defineIsland<P extends object>(
  name: string,
  Component: ComponentType<P>,
): ComponentType<P> {
  function Island(props: P) {
    const collector = useContext(IslandCollectorContext);
    const primary = useContext(PrimaryContent);
    const inner = h(Component as ComponentType<object>, props);
    if (!collector) return inner;
    const id = collector.add(name, props, primary);
    return h(
      "cf-island",
      { "data-id": String(id) },
      h(IslandCollectorContext.Provider, { value: null }, inner),
    );
  }
  Island.displayName = `Island(${name})`;
  return Island;
}

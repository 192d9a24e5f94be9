/** Where the build writes its output, relative to the repository root. */
export const BUILD_DIR = new URL("../static/build/", import.meta.url);
export const MANIFEST_PATH = new URL("manifest.json", BUILD_DIR);

/** Public URLs of the hashed build: the boot module, the stylesheet and one entry per island. */
export interface Manifest {
  boot: string;
  styles: string;
  islands: Record<string, string>;
  /**
   * Every chunk each entry (boot, an island) imports statically, directly or not: what a page
   * preloads so the browser fetches them at once rather than one import after another. Lazily
   * imported chunks (call engines) are not in it.
   */
  imports?: Record<string, string[]>;
}

/** Supplies the current manifest; in development it follows rebuilds. */
export type ManifestSource = () => Manifest;

/** Reads the manifest written by `deno task build`, with a clear message when it is missing. */
export function readManifest(path: URL = MANIFEST_PATH): Manifest {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    throw new Error(`No island build at ${path.pathname}: run \`deno task build\` first.`);
  }
  return JSON.parse(text) as Manifest;
}

/** A source that reads once (production) or again whenever the file changes (development). */
export function manifestSource(options: { watch: boolean; path?: URL }): ManifestSource {
  const path = options.path ?? MANIFEST_PATH;
  let cached = readManifest(path);
  let stamp = Deno.statSync(path).mtime?.getTime();
  if (!options.watch) return () => cached;
  return () => {
    const now = Deno.statSync(path).mtime?.getTime();
    if (now !== stamp) {
      cached = readManifest(path);
      stamp = now;
    }
    return cached;
  };
}

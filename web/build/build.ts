import * as esbuild from "esbuild";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";
import { type ChunkGroups, chunkGroupsPlugin } from "./chunk-groups.ts";
import { BUILD_DIR, type Manifest, MANIFEST_PATH } from "./manifest.ts";

const ISLANDS_DIR = new URL("../islands/", import.meta.url);
const BOOT_ENTRY = new URL("../client/boot.ts", import.meta.url);
const STYLES_ENTRY = new URL("../styles/main.css", import.meta.url);

/**
 * What travels together (see chunk-groups.ts). `runtime`: what every page with islands runs.
 * `phone`: the small modules the dashboard's Dialer and Phone islands share with each other and
 * with the lazily loaded call card; apart, each was a file (and a round trip) of its own.
 */
export const CHUNK_GROUPS: ChunkGroups = {
  runtime: [
    "preact",
    "preact/hooks",
    "preact/jsx-runtime",
    "@preact/signals",
    "./web/client/boot.ts",
  ],
  phone: [
    "./shared/care4w-id.ts",
    "./shared/dial-target.ts",
    "./shared/phone.ts",
    "./shared/presence.ts",
    "./web/client/call/types.ts",
    "./web/client/mic-permission.ts",
    "./web/client/phone.ts",
    "./web/components/Keypad.tsx",
    "./web/components/phone/CallStatus.tsx",
  ],
};

/** Island entry points: every `.tsx` file in web/islands, named after the file. */
export function islandEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const file of Deno.readDirSync(ISLANDS_DIR)) {
    if (!file.isFile || !file.name.endsWith(".tsx") || file.name.endsWith(".test.tsx")) continue;
    entries[`island-${file.name.slice(0, -4)}`] = new URL(file.name, ISLANDS_DIR).pathname;
  }
  return entries;
}

/** The build's esbuild options (exported for the bundle analysis in `bundle.ts`). */
export function options(
  mode: { precompress: boolean } = { precompress: false },
): esbuild.BuildOptions {
  return {
    entryPoints: { boot: BOOT_ENTRY.pathname, styles: STYLES_ENTRY.pathname, ...islandEntries() },
    outdir: BUILD_DIR.pathname,
    bundle: true,
    splitting: true,
    format: "esm",
    minify: true,
    sourcemap: false,
    target: ["es2022"],
    jsx: "automatic",
    jsxImportSource: "preact",
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    metafile: true,
    logLevel: "warning",
    plugins: [chunkGroupsPlugin(CHUNK_GROUPS), manifestPlugin(mode.precompress)],
  };
}

/** Writes manifest.json after each successful build, removing chunks of earlier builds. */
function manifestPlugin(precompressed: boolean): esbuild.Plugin {
  return {
    name: "careflow-manifest",
    setup(build) {
      build.onStart(() => {
        try {
          Deno.removeSync(BUILD_DIR, { recursive: true });
        } catch { /* first build */ }
      });
      build.onEnd((result) => {
        if (!result.metafile || result.errors.length > 0) return;
        const manifest: Manifest = { boot: "", styles: "", islands: {}, imports: {} };
        const outputs = result.metafile.outputs;
        const urlOf = (file: string) => "/static/build/" + file.split("/").pop();
        /** The static imports of `file`, transitively. */
        const staticImports = (file: string, seen = new Set<string>()): string[] => {
          for (const imported of outputs[file]?.imports ?? []) {
            if (imported.kind !== "import-statement" || seen.has(imported.path)) continue;
            seen.add(imported.path);
            staticImports(imported.path, seen);
          }
          return [...seen].map(urlOf).sort();
        };
        for (const [file, output] of Object.entries(outputs)) {
          if (!output.entryPoint) continue;
          const url = "/static/build/" + file.split("/").pop();
          // Lazily imported modules (call engines) are entry points to esbuild too; only the
          // boot module and the islands belong in the manifest.
          const name = file.split("/").pop()!.replace(/-[A-Z0-9]+\.(js|css)$/, "");
          if (name === "boot") manifest.boot = url;
          else if (name === "styles") manifest.styles = url;
          else if (name.startsWith("island-")) manifest.islands[name.slice(7)] = url;
          else continue;
          if (name !== "styles") manifest.imports![url] = staticImports(file);
        }
        Deno.writeTextFileSync(MANIFEST_PATH, JSON.stringify(manifest, null, 2));
        // Not while developing: a rebuild on each save should take a moment, not seconds.
        if (precompressed) precompress(Object.keys(outputs));
      });
    },
  };
}

/**
 * Brotli (quality 11) and gzip (level 9) copies of every script and style sheet, served in place
 * of the file to browsers that accept them (`serveStatic`'s `precompressed`): smaller than what
 * compressing on each request can afford, and no CPU spent on it per request.
 */
function precompress(files: string[]): void {
  for (const file of files.filter((name) => /\.(js|css)$/.test(name))) {
    const bytes = Deno.readFileSync(file);
    Deno.writeFileSync(`${file}.br`, brotliCompressSync(bytes, BROTLI_BEST));
    Deno.writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
  }
}

const BROTLI_BEST = {
  params: { [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY },
};

/** One production build. */
export async function build(): Promise<void> {
  await esbuild.build(options({ precompress: true }));
  await esbuild.stop();
}

/** A watching build for development; dispose it to stop. */
export async function watch(): Promise<esbuild.BuildContext> {
  const context = await esbuild.context(options());
  await context.watch();
  return context;
}

if (import.meta.main) {
  const started = performance.now();
  await build();
  const manifest = JSON.parse(Deno.readTextFileSync(MANIFEST_PATH)) as Manifest;
  console.log(
    `built ${Object.keys(manifest.islands).length} islands in ${
      Math.round(performance.now() - started)
    } ms`,
  );
}

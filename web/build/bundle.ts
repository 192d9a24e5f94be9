/**
 * What the browser build ships, read from esbuild's metafile without writing anything: each
 * output's size (raw and gzipped), which outputs a page loads up front (entries and what they
 * import statically) and which only on demand (dynamic imports: the call engines).
 */
import * as esbuild from "esbuild";
import { gzipSync } from "node:zlib";
import { CHUNK_GROUPS, options } from "./build.ts";
import { chunkGroupsPlugin } from "./chunk-groups.ts";

export interface Output {
  file: string;
  bytes: number;
  gzipBytes: number;
  /** Source files bundled into it (paths as esbuild names them). */
  inputs: string[];
  /** Outputs it imports statically (loaded with it) and dynamically (loaded on demand). */
  staticImports: string[];
  dynamicImports: string[];
}

/** Bytes as a browser downloads them compressed (gzip, level 9): how sizes are compared here. */
export function gzippedSize(bytes: Uint8Array): number {
  return gzipSync(bytes, { level: 9 }).length;
}

/** The Twilio Voice SDK's own minified bundle, the yardstick for our Twilio chunk. */
export const SDK_BUNDLE = "node_modules/@twilio/voice-sdk/dist/twilio.min.js";

/** Builds in memory and describes every JavaScript output. */
export async function analyzeBundle(): Promise<Map<string, Output>> {
  const result = await esbuild.build({
    ...options(),
    write: false,
    plugins: [chunkGroupsPlugin(CHUNK_GROUPS)],
  });
  await esbuild.stop();
  const contents = new Map(result.outputFiles!.map((f) => [f.path, f.contents]));
  const outputs = new Map<string, Output>();
  for (const [file, meta] of Object.entries(result.metafile!.outputs)) {
    if (!file.endsWith(".js")) continue;
    const bytes = contents.get(new URL(file, `file://${Deno.cwd()}/`).pathname) ?? new Uint8Array();
    outputs.set(file, {
      file,
      bytes: bytes.length,
      gzipBytes: gzippedSize(bytes),
      inputs: Object.keys(meta.inputs),
      staticImports: meta.imports.filter((i) => i.kind === "import-statement").map((i) => i.path),
      dynamicImports: meta.imports.filter((i) => i.kind === "dynamic-import").map((i) => i.path),
    });
  }
  return outputs;
}

/** `entry` and every output it pulls in statically: what a page with it loads up front. */
export function loadedUpFront(outputs: Map<string, Output>, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of outputs.get(file)?.staticImports ?? []) visit(next);
  };
  visit(entry);
  return seen;
}

/** The outputs holding any source whose path contains `fragment` (a package's folder). */
export function outputsWith(outputs: Map<string, Output>, fragment: string): Output[] {
  return [...outputs.values()].filter((o) => o.inputs.some((input) => input.includes(fragment)));
}

/**
 * Chunk groups: modules that should travel in one file.
 *
 * With code splitting, esbuild puts each module in the chunk of the exact set of entry points that
 * reach it, so a module shared by a different set of islands becomes a file of its own; the dial
 * pad needed 14 files, nine of them under 600 bytes. On a slow link each file costs a round trip
 * on one of the browser's six connections, so that was a second of waiting for a few kilobytes.
 *
 * A group makes its members reachable only through one generated module that re-exports them all:
 * every entry that needs any member then reaches every member, the set is the same for all of
 * them, and esbuild writes them into one chunk. Tree shaking still drops what no entry uses.
 * Imports between members of one group stay direct.
 */
import type * as esbuild from "esbuild";
import { isAbsolute, join } from "node:path";

/** A group's members: bare package specifiers or file paths relative to the repository root. */
export type ChunkGroups = Record<string, readonly string[]>;

const REPO_ROOT = new URL("../../", import.meta.url).pathname;
const NAMESPACE = "careflow-chunk-group";

/** The esbuild plugin that routes static imports of each group's members through its barrel. */
export function chunkGroupsPlugin(groups: ChunkGroups): esbuild.Plugin {
  const groupOf = new Map<string, string>();
  for (const [name, members] of Object.entries(groups)) {
    for (const member of members) groupOf.set(memberKey(member), name);
  }
  return {
    name: "careflow-chunk-groups",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === NAMESPACE || args.kind !== "import-statement") return undefined;
        // Packages' imports of each other stay as they are: only our own code goes through groups.
        if (args.importer.includes("/node_modules/")) return undefined;
        const key = args.path.startsWith(".") ? join(args.resolveDir, args.path) : args.path;
        const group = groupOf.get(key);
        if (!group) return undefined;
        // A member importing a fellow member keeps its direct import: no cycle through the barrel.
        if (groupOf.get(args.importer) === group) return undefined;
        return { path: group, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: groups[args.path].map((member) => `export * from ${JSON.stringify(member)};`)
          .join("\n"),
        resolveDir: REPO_ROOT,
        loader: "ts",
      }));
    },
  };
}

/** How an import of `member` looks once resolved against its importer's folder. */
function memberKey(member: string): string {
  if (member.startsWith("./") || isAbsolute(member)) return join(REPO_ROOT, member);
  return member;
}

/**
 * The build's brotli and gzip copies of its scripts and style sheets (build.ts writes them),
 * served as they are to browsers that take them; anything else falls through to the static
 * files. Hono's own `precompressed` option opens the plain file before looking for a copy and
 * never closes it when a copy is served: one file handle left open per request.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env.ts";

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};
const ENCODINGS = [["br", ".br"], ["gzip", ".gz"]] as const;
/** A build output's name: hashed, no folders, nothing to climb out of the build folder with. */
const OUTPUT = /^[A-Za-z0-9_-]+\.(js|css)$/;

/** The content codings `header` accepts (`q=0` refuses one). */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? "").split(",")) {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (coding && !(q && Number(q.slice(2)) === 0)) accepted.add(coding);
  }
  return accepted;
}

/** Serves `${dir}/<name>.br` or `.gz` for `/<name>` under the mount point, when there is one. */
export function precompressedFiles(dir: URL) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const name = c.req.path.split("/").pop() ?? "";
    const type = OUTPUT.exec(name)?.[1];
    if (!type || (c.req.method !== "GET" && c.req.method !== "HEAD")) return await next();
    const accepted = acceptedEncodings(c.req.header("accept-encoding"));
    for (const [encoding, suffix] of ENCODINGS) {
      if (!accepted.has(encoding)) continue;
      let file: Deno.FsFile;
      try {
        file = await Deno.open(new URL(name + suffix, dir));
      } catch {
        continue;
      }
      const headers = { "content-type": TYPES[type], "content-encoding": encoding };
      c.header("vary", "Accept-Encoding");
      if (c.req.method === "HEAD") {
        file.close();
        return c.body(null, 200, headers);
      }
      // The stream closes the file when it is read to the end or the client goes away.
      return c.body(file.readable, 200, headers);
    }
    await next();
  });
}

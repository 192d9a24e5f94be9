/**
 * The build's brotli and gzip copies of its scripts and style sheets (build.ts writes them),
 * served as they are to browsers that take them; anything else falls through to the static
 * files. Hono's own `precompressed` option opens the plain file before looking for a copy and
 * never closes it when a copy is served: one file handle left open per request.
 */
import { createMiddleware } from "hono/factory";
import { parseAccept } from "hono/utils/accept";
import type { AppEnv } from "./env.ts";

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};
const ENCODINGS = [["br", ".br"], ["gzip", ".gz"]] as const;
/** A build output's name: hashed, no folders, nothing to climb out of the build folder with. */
const OUTPUT = /^[A-Za-z0-9_-]+\.(js|css)$/;

/** The content codings `header` accepts (`q=0` refuses one), as Hono's own parser reads it. */
export function acceptedEncodings(header: string | undefined): Set<string> {
  return new Set(
    parseAccept(header ?? "").filter((e) => e.q > 0).map((e) => e.type.toLowerCase()),
  );
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

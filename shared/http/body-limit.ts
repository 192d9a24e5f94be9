/** Hono's body limit, answering a body over it with a 413 problem. */
import { bodyLimit } from "hono/body-limit";
import { problem } from "./problem.ts";

/** Refuses bodies over `maxBytes` without reading them whole. */
export function limitBody(maxBytes: number) {
  const kib = Math.round(maxBytes / 1024);
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw problem(413, `The body is larger than ${kib} KiB.`);
    },
  });
}

/** Hono's body limit, answering a body over it with a 413 problem. */
import { bodyLimit } from "hono/body-limit";
import { problem } from "./problem.ts";

/** Refuses bodies over `maxBytes` without reading them whole; `onExceeded` counts it. */
export function limitBody(maxBytes: number, onExceeded?: (method: string) => void) {
  const kib = Math.round(maxBytes / 1024);
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      onExceeded?.(c.req.method);
      throw problem(413, `The body is larger than ${kib} KiB.`);
    },
  });
}

/**
 * Test helper: a FreeSWITCH capture with some of its frames given new bodies, each such frame's
 * `Content-Length` set to its new body's; every other byte stays as captured. Frames are handled
 * as Latin-1 text (one character per byte), so nothing but the edit changes.
 */
import { frameEnds } from "./esl-replay.ts";

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder();
const encoder = new TextEncoder();

/** Latin-1 text back to its bytes. */
const latin1Bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

/** A body read as Latin-1, as the UTF-8 text it is (JSON events are UTF-8). */
export const utf8Text = (body: string) => utf8.decode(latin1Bytes(body));

/** UTF-8 text as a Latin-1 body (its bytes, one character each). */
export const utf8Body = (text: string) => latin1.decode(encoder.encode(text));

/**
 * `capture` with each frame `rewrite` returns a body for rewritten (`head` without its blank
 * line, `body` as Latin-1); a frame it returns null for, or one without a body, stays as it was.
 */
export function rewriteFrames(
  capture: Uint8Array,
  rewrite: (head: string, body: string) => string | null,
): Uint8Array {
  const out: number[] = [];
  let start = 0;
  for (const end of frameEnds(capture)) {
    const frame = capture.subarray(start, end);
    start = end;
    const text = latin1.decode(frame);
    const split = text.indexOf("\n\n");
    const head = text.slice(0, split);
    const body = split < 0 ? null : rewrite(head, text.slice(split + 2));
    if (body === null) {
      out.push(...frame);
      continue;
    }
    const newHead = head.replace(/^Content-Length: \d+$/m, `Content-Length: ${body.length}`);
    out.push(...latin1Bytes(`${newHead}\n\n${body}`));
  }
  out.push(...capture.subarray(start));
  return Uint8Array.from(out);
}

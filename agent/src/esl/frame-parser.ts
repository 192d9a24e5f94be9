/**
 * Incremental framing of FreeSWITCH's event socket byte stream. A frame is a header block ended by
 * a blank line (`\n\n`); when it carries `Content-Length: N`, exactly N bytes of body follow (in
 * any header position: events put it first, `api/response` second). Bytes may arrive split
 * anywhere, or many frames in one read.
 *
 * A frame the parser cannot trust (a header block that is not `Name: value` lines, a bad or huge
 * Content-Length, a header block that never ends) is reported and skipped; the parser then looks
 * for the next frame start, so one bad frame costs that frame, not the connection. Nothing here
 * throws on input.
 */

/** One frame: its outer headers (as sent, not URL-decoded) and its body bytes, if any. */
export interface EslFrame {
  headers: Record<string, string>;
  body: Uint8Array | null;
}

/** Why bytes were skipped. */
export type FrameProblem = "bad-header-block" | "bad-content-length" | "header-block-too-long";

/** Where frames and problems go. */
export interface FrameSink {
  frame(frame: EslFrame): void;
  problem(problem: FrameProblem): void;
}

/** Largest body accepted: far above any real event (a few KiB), below what would hurt memory. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Longest outer header block: real ones are under 200 bytes. */
export const MAX_HEADER_BYTES = 64 * 1024;

const LF = 0x0a;
const HEADER_LINE = /^[A-Za-z0-9_-]+: /;
// Where a frame can start inside garbage (a JSON body followed at once by the next frame).
const FRAME_START = /(Content-Length|Content-Type): /g;
const latin1 = new TextDecoder("latin1");

/** Parses frames out of a byte stream; create one per connection. */
export class EslFrameParser {
  // One growing buffer with a read offset: appending is amortised O(1) per byte, and the blank
  // line search resumes where it stopped, so a stream split into 1-byte reads stays linear.
  #buffer = new Uint8Array(4096);
  #start = 0;
  #end = 0;
  #scanFrom = 0;
  #pending: { headers: Record<string, string>; length: number } | null = null;

  constructor(private sink: FrameSink) {}

  /** Bytes held that do not yet form a frame (a mid-frame cut leaves these behind). */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Takes the next bytes of the stream and emits every frame they complete. */
  push(chunk: Uint8Array): void {
    this.#append(chunk);
    for (;;) {
      if (this.#pending) {
        if (this.#end - this.#start < this.#pending.length) return;
        const body = this.#buffer.slice(this.#start, this.#start + this.#pending.length);
        this.#consume(this.#pending.length);
        const headers = this.#pending.headers;
        this.#pending = null;
        this.sink.frame({ headers, body });
        continue;
      }
      const blank = this.#findBlankLine();
      if (blank < 0) {
        if (this.#end - this.#start > MAX_HEADER_BYTES) {
          // Keep the last byte: it may be the first half of the blank line.
          this.#consume(this.#end - this.#start - 1);
          this.sink.problem("header-block-too-long");
        }
        return;
      }
      const text = latin1.decode(this.#buffer.subarray(this.#start, blank));
      this.#consume(blank + 2 - this.#start);
      this.#headerBlock(text);
    }
  }

  /** Handles one header block: a frame without body, or the head of one with a body. */
  #headerBlock(block: string): void {
    const text = block.replace(/^\n+/, ""); // stray blank lines between frames
    if (text.length === 0) return;
    let lines = text.split("\n");
    if (!lines.every((line) => HEADER_LINE.test(line))) {
      const recovered = recoverHeaderLines(text);
      this.sink.problem("bad-header-block");
      if (!recovered) return;
      lines = recovered;
    }
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(": ");
      headers[line.slice(0, colon)] = line.slice(colon + 2);
    }
    const declared = headers["Content-Length"];
    if (declared === undefined) {
      this.sink.frame({ headers, body: null });
      return;
    }
    if (!/^\d{1,9}$/.test(declared) || Number(declared) > MAX_BODY_BYTES) {
      // The body's extent is unknown: skip the head; the resynchronisation above finds the next.
      this.sink.problem("bad-content-length");
      return;
    }
    const length = Number(declared);
    if (length === 0) this.sink.frame({ headers, body: new Uint8Array(0) });
    else this.#pending = { headers, length };
  }

  #findBlankLine(): number {
    const buffer = this.#buffer;
    for (let i = Math.max(this.#scanFrom, this.#start); i + 1 < this.#end; i++) {
      if (buffer[i] === LF && buffer[i + 1] === LF) {
        this.#scanFrom = i + 2;
        return i;
      }
    }
    this.#scanFrom = Math.max(this.#start, this.#end - 1);
    return -1;
  }

  #append(chunk: Uint8Array): void {
    const used = this.#end - this.#start;
    if (this.#end + chunk.length > this.#buffer.length) {
      // Move the unread bytes to the front, into a bigger buffer when they would not fit.
      if (used + chunk.length > this.#buffer.length) {
        const next = new Uint8Array((used + chunk.length) * 2);
        next.set(this.#buffer.subarray(this.#start, this.#end));
        this.#buffer = next;
      } else {
        this.#buffer.copyWithin(0, this.#start, this.#end);
      }
      this.#scanFrom = Math.max(0, this.#scanFrom - this.#start);
      this.#start = 0;
      this.#end = used;
    }
    this.#buffer.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  #consume(count: number): void {
    this.#start += count;
    if (this.#start === this.#end) {
      this.#start = this.#end = this.#scanFrom = 0;
    }
  }
}

/**
 * The header lines at the end of a garbled block, when a frame start can be found in it (after a
 * body that was longer than declared, the next frame's head is glued to the leftover bytes).
 */
function recoverHeaderLines(text: string): string[] | null {
  for (const match of text.matchAll(FRAME_START)) {
    const lines = text.slice(match.index).split("\n");
    if (lines.every((line) => HEADER_LINE.test(line))) return lines;
  }
  return null;
}

/**
 * Reading a recorded event-socket byte stream (a capture) whole: its frames, and its events in
 * the order they came. For tests and offline tools; the live client parses the same way.
 */
import { decodeEventFrame } from "./decode.ts";
import type { EslEvent } from "./event.ts";
import { type EslFrame, EslFrameParser, type FrameProblem } from "./frame-parser.ts";

/** Everything in a capture. */
export interface DecodedCapture {
  frames: EslFrame[];
  events: EslEvent[];
  problems: FrameProblem[];
  /** Bytes left over at the end (a capture cut mid-frame). */
  trailing: number;
}

/** Parses `bytes`, fed in pieces of `chunkSize` bytes (default: all at once). */
export function decodeCapture(bytes: Uint8Array, chunkSize = bytes.length): DecodedCapture {
  const frames: EslFrame[] = [];
  const events: EslEvent[] = [];
  const problems: FrameProblem[] = [];
  const parser = new EslFrameParser({
    frame(frame) {
      frames.push(frame);
      const event = decodeEventFrame(frame);
      if (event) events.push(event);
    },
    problem: (problem) => problems.push(problem),
  });
  const step = Math.max(1, chunkSize);
  for (let at = 0; at < bytes.length; at += step) parser.push(bytes.subarray(at, at + step));
  return { frames, events, problems, trailing: parser.buffered };
}

/**
 * Framing on the real captures: every frame and event found whole, in 1-byte pieces, and split
 * at every byte offset; garbage costs only itself. Expected counts were read off the captures by
 * hand (frames = header blocks plus bodies, events = text/event-* frames), not by this parser.
 */
import { describe, expect, test } from "bun:test";
import { readCapture } from "../testing/fixtures-path.ts";
import { decodeCapture } from "./capture.ts";
import {
  type EslFrame,
  EslFrameParser,
  type FrameProblem,
  MAX_HEADER_BYTES,
} from "./frame-parser.ts";

const CAPTURES: Record<string, { frames: number; events: number; first?: string; last?: string }> =
  {
    "esl-auth-fail.txt": { frames: 3, events: 0 },
    "esl-commands.txt": { frames: 17, events: 6, first: "912", last: "973" },
    "esl-json-bgapi.txt": { frames: 9, events: 2, first: "454", last: "456" },
    "esl-json-bridge-fail-incompatible-codec.txt": {
      frames: 70,
      events: 65,
      first: "527",
      last: "596",
    },
    "esl-json-bridge-two-legs.txt": { frames: 86, events: 81, first: "600", last: "685" },
    "esl-json-call-record.txt": { frames: 45, events: 40, first: "460", last: "500" },
    "esl-json-loopback-bridge.txt": { frames: 95, events: 90, first: "816", last: "907" },
    "esl-json-voicemail-deposit.txt": { frames: 81, events: 76, first: "733", last: "814" },
    "esl-plain-bridge-fail-incompatible-codec.txt": {
      frames: 70,
      events: 65,
      first: "527",
      last: "596",
    },
    "esl-plain-bridge-two-legs.txt": { frames: 86, events: 81, first: "600", last: "685" },
    "esl-plain-call-record.txt": { frames: 45, events: 40, first: "460", last: "500" },
    "esl-plain-kamailio-pstn-call.txt": { frames: 48, events: 43, first: "469", last: "512" },
    "esl-plain-loopback-bridge.txt": { frames: 95, events: 90, first: "816", last: "907" },
    "esl-plain-unregister-shutdown.txt": { frames: 80, events: 76, first: "981", last: "1056" },
    "esl-plain-voicemail-deposit.txt": { frames: 81, events: 76, first: "733", last: "814" },
  };

const encoder = new TextEncoder();

function parseAll(pieces: Uint8Array[]): { frames: EslFrame[]; problems: FrameProblem[] } {
  const frames: EslFrame[] = [];
  const problems: FrameProblem[] = [];
  const parser = new EslFrameParser({
    frame: (f) => frames.push(f),
    problem: (p) => problems.push(p),
  });
  for (const piece of pieces) parser.push(piece);
  return { frames, problems };
}

describe("framing the real captures", () => {
  for (const [name, expected] of Object.entries(CAPTURES)) {
    test(`${name}: whole and in 1-byte pieces`, () => {
      const bytes = readCapture(name);
      const whole = decodeCapture(bytes);
      expect(whole.frames.length).toBe(expected.frames);
      expect(whole.events.length).toBe(expected.events);
      expect(whole.problems).toEqual([]);
      expect(whole.trailing).toBe(0);
      if (expected.first) {
        expect(whole.events[0].headers["Event-Sequence"]).toBe(expected.first);
        expect(whole.events.at(-1)!.headers["Event-Sequence"]).toBe(expected.last!);
      }
      expect(whole.frames[0].headers["Content-Type"]).toBe("auth/request");
      const bytewise = decodeCapture(bytes, 1);
      expect(bytewise.frames).toEqual(whole.frames);
      expect(bytewise.events).toEqual(whole.events);
    });
  }

  // Two pieces, cut at each offset in turn: every possible boundary, one at a time.
  for (const name of ["esl-auth-fail.txt", "esl-json-bgapi.txt", "esl-commands.txt"]) {
    test(`${name}: split at every byte offset`, () => {
      const bytes = readCapture(name);
      const whole = parseAll([bytes]).frames;
      for (let at = 0; at <= bytes.length; at++) {
        const split = parseAll([bytes.subarray(0, at), bytes.subarray(at)]);
        if (split.frames.length !== whole.length) throw new Error(`split at ${at} lost frames`);
        expect(split.frames).toEqual(whole);
      }
    });
  }

  test("a large capture split at every offset near each frame boundary", () => {
    const bytes = readCapture("esl-json-bridge-two-legs.txt");
    const whole = parseAll([bytes]).frames;
    let end = 0;
    const ends: number[] = [];
    for (const frame of whole) {
      const head = Object.entries(frame.headers).map(([k, v]) => `${k}: ${v}\n`).join("");
      end += head.length + 1 + (frame.body?.length ?? 0);
      ends.push(end);
    }
    expect(end).toBe(bytes.length);
    for (const boundary of ends) {
      for (let at = boundary - 4; at <= boundary + 4; at++) {
        if (at < 0 || at > bytes.length) continue;
        expect(parseAll([bytes.subarray(0, at), bytes.subarray(at)]).frames).toEqual(whole);
      }
    }
  });

  test("a capture cut mid-frame leaves the partial frame buffered, nothing emitted for it", () => {
    const bytes = readCapture("esl-plain-call-record.txt");
    const cut = decodeCapture(bytes.subarray(0, 5000));
    expect(cut.trailing).toBeGreaterThan(0);
    const whole = decodeCapture(bytes);
    expect(cut.frames).toEqual(whole.frames.slice(0, cut.frames.length));
  });
});

describe("garbage costs only itself", () => {
  const good = "Content-Type: command/reply\nReply-Text: +OK accepted\n\n";
  const json = '{"Event-Name":"HEARTBEAT"}';
  const event = `Content-Length: ${json.length}\nContent-Type: text/event-json\n\n${json}`;

  test("a bad Content-Length is skipped and the next frame still parses", () => {
    const { frames, problems } = parseAll([
      encoder.encode("Content-Length: abc\nContent-Type: text/event-plain\n\n" + good + event),
    ]);
    expect(problems).toEqual(["bad-content-length"]);
    expect(frames.map((f) => f.headers["Content-Type"])).toEqual([
      "command/reply",
      "text/event-json",
    ]);
  });

  test("a body longer than declared: the next frame's head is found inside the leftover", () => {
    const bad = 'Content-Length: 5\nContent-Type: text/event-json\n\n{"Event-Name":"X"}';
    const { frames, problems } = parseAll([encoder.encode(bad + event)]);
    expect(problems).toEqual(["bad-header-block"]);
    expect(frames.at(-1)!.headers["Content-Type"]).toBe("text/event-json");
    expect(new TextDecoder().decode(frames.at(-1)!.body!)).toBe(json);
  });

  test("a negative or huge Content-Length is refused without allocating", () => {
    for (const length of ["-5", "99999999999", "1e3"]) {
      const { frames, problems } = parseAll([
        encoder.encode(`Content-Length: ${length}\nContent-Type: text/event-json\n\n${good}`),
      ]);
      expect(problems).toEqual(["bad-content-length"]);
      expect(frames.length).toBe(1);
    }
  });

  test("a header block that never ends is dropped once it is too long", () => {
    const junk = new Uint8Array(MAX_HEADER_BYTES + 10).fill(0x41);
    const { frames, problems } = parseAll([junk, encoder.encode("\n\n" + good)]);
    expect(problems).toContain("header-block-too-long");
    expect(frames.at(-1)!.headers["Reply-Text"]).toBe("+OK accepted");
  });

  test("stray blank lines between frames are ignored", () => {
    const { frames, problems } = parseAll([encoder.encode("\n\n" + good + "\n\n" + good)]);
    expect(problems).toEqual([]);
    expect(frames.length).toBe(2);
  });
});

/**
 * Decoding events: the plain and json captures of one call (two connections open at once, so
 * the same events) decode to identical events; URL-decoding never throws; bodies and subclasses
 * come out as FreeSWITCH sent them.
 */
import { describe, expect, test } from "bun:test";
import { readCapture } from "../testing/fixtures-path.ts";
import { decodeCapture } from "./capture.ts";
import { decodeEventFrame, percentDecode } from "./decode.ts";

const encoder = new TextEncoder();
const CALLS = [
  "call-record",
  "bridge-two-legs",
  "bridge-fail-incompatible-codec",
  "voicemail-deposit",
  "loopback-bridge",
];

function frame(type: string, body: string) {
  return { headers: { "Content-Type": type }, body: encoder.encode(body) };
}

describe("plain and json carry the same events", () => {
  for (const call of CALLS) {
    test(call, () => {
      const plain = decodeCapture(readCapture(`esl-plain-${call}.txt`)).events;
      const json = decodeCapture(readCapture(`esl-json-${call}.txt`)).events;
      expect(plain.length).toBeGreaterThan(30);
      expect(json).toEqual(plain);
    });
  }
});

describe("what the captures carry", () => {
  test("URL-encoded plain values come out decoded (SDP line ends, colons, spaces)", () => {
    const events = decodeCapture(readCapture("esl-plain-bridge-two-legs.txt")).events;
    const hangup = events.find((e) =>
      e.name === "CHANNEL_HANGUP_COMPLETE" && e.headers["Unique-ID"].startsWith("a0f09131")
    )!;
    expect(hangup.headers["Event-Date-GMT"]).toBe("Tue, 01 Dec 2026 08:28:34 GMT");
    expect(hangup.headers["FreeSWITCH-IPv6"]).toBe("fd00::2");
    expect(hangup.headers["variable_switch_r_sdp"]).toContain("\r\n");
    expect(hangup.headers["variable_rtp_audio_in_mos"]).toBe("4.50");
    expect(hangup.subclass).toBeNull();
  });

  test("CUSTOM vm::maintenance has its subclass and VM- headers", () => {
    const events = decodeCapture(readCapture("esl-json-voicemail-deposit.txt")).events;
    const left = events.find((e) => e.subclass === "vm::maintenance");
    expect(left?.name).toBe("CUSTOM");
    expect(left?.headers["VM-Action"]).toBe("leave-message");
    expect(left?.headers["VM-File-Path"]).toBe(
      "/opt/fs-lab/storage/voicemail/default/127.0.0.1/1000/msg_15ca3a30-f290-4cb2-9968-8cce12ac959f.wav",
    );
  });

  test("an event's own body: plain after its inner Content-Length, json as _body", () => {
    const plain = decodeCapture(readCapture("esl-commands.txt")).events;
    const job = plain.find((e) => e.name === "BACKGROUND_JOB" && e.body?.startsWith("+OK"));
    expect(job?.body).toMatch(/^\+OK [0-9a-f-]{36}\n$/);
    const json = decodeCapture(readCapture("esl-json-bgapi.txt")).events;
    expect(json[1].body).toBe("-ERR no_such_command Command not found!\n");
    expect(json[1].headers["_body"]).toBeUndefined();
  });
});

describe("bad input gives null or a best reading, never an exception", () => {
  test("percent-decoding: UTF-8, Latin-1, and a % that escapes nothing", () => {
    expect(percentDecode("Jos%C3%A9")).toBe("José");
    expect(percentDecode("Jos%E9")).toBe("José"); // Latin-1 from an old phone
    expect(percentDecode("100%")).toBe("100%");
    expect(percentDecode("50%2")).toBe("50%2");
    expect(percentDecode("%zz%")).toBe("%zz%");
    expect(() => decodeURIComponent("Jos%E9")).toThrow(); // what a library would do
  });

  test("a plain event with a Latin-1 display name decodes", () => {
    const event = decodeEventFrame(
      frame("text/event-plain", "Event-Name: CHANNEL_CREATE\nCaller-Caller-ID-Name: Jos%E9\n\n"),
    );
    expect(event?.headers["Caller-Caller-ID-Name"]).toBe("José");
  });

  test("truncated or non-object JSON, or no Event-Name, is null", () => {
    expect(decodeEventFrame(frame("text/event-json", '{"Event-Name":"CHANN'))).toBeNull();
    expect(decodeEventFrame(frame("text/event-json", '["Event-Name"]'))).toBeNull();
    expect(decodeEventFrame(frame("text/event-json", '{"Event-Name":""}'))).toBeNull();
    expect(decodeEventFrame(frame("text/event-plain", "Unique-ID: x\n\n"))).toBeNull();
    expect(decodeEventFrame(frame("text/event-xml", "<event/>"))).toBeNull();
    expect(decodeEventFrame({ headers: { "Content-Type": "text/event-json" }, body: null }))
      .toBeNull();
  });

  test("invalid UTF-8 in JSON is replaced, not fatal", () => {
    const bytes = new Uint8Array([...encoder.encode('{"Event-Name":"X","n":"a'), 0xe9, 0x22, 0x7d]);
    const event = decodeEventFrame({ headers: { "Content-Type": "text/event-json" }, body: bytes });
    expect(event?.headers.n).toBe("a\uFFFD");
  });
});

import { expect, test } from "bun:test";
import { NetstringDecoder, NetstringError } from "./netstring.ts";

const encode = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  return new TextEncoder().encode(`${bytes.length}:${text},`);
};
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

test("frames split at every byte boundary decode to the same payloads", () => {
  const payloads = ['{"event":"register","aor":"care4w-1000001"}', "", '{"name":"Zoë ✓"}'];
  const stream = join(...payloads.map(encode));
  for (let cut = 0; cut <= stream.length; cut++) {
    const decoder = new NetstringDecoder();
    const got = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
    expect(got).toEqual(payloads);
    expect(decoder.pending).toBe(0);
  }
  // One byte at a time, too.
  const decoder = new NetstringDecoder();
  const got: string[] = [];
  for (const byte of stream) got.push(...decoder.push(Uint8Array.of(byte)));
  expect(got).toEqual(payloads);
});

test("what is not a netstring is refused, not skipped", () => {
  const bad = ["abc:x,", ":x,", "3:abcd", "9999999:", "5:{}", "2:\xff\xfe,"];
  for (const text of bad) {
    const bytes = text === "2:\xff\xfe,"
      ? Uint8Array.of(0x32, 0x3a, 0xff, 0xfe, 0x2c)
      : new TextEncoder().encode(text);
    const decoder = new NetstringDecoder(1000);
    const attempt = () => {
      decoder.push(bytes);
      decoder.push(new TextEncoder().encode("0:,"));
    };
    if (text === "5:{}") {
      // Only incomplete: the rest may still come.
      expect(decoder.push(bytes)).toEqual([]);
      continue;
    }
    expect(attempt).toThrow(NetstringError);
  }
  expect(() => new NetstringDecoder(10).push(new TextEncoder().encode("11:"))).toThrow(
    NetstringError,
  );
});

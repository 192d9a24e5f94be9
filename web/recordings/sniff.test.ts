import assert from "node:assert/strict";
import { peek, sniffFormat, wavSeconds } from "./sniff.ts";
import { wavHeader as wavHeaderOf } from "./testing/audio.ts";

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(
    parts.flatMap((p) => typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p),
  );

/** A canonical 8 kHz 16-bit mono WAV header announcing `seconds` of audio. */
const wavHeader = (seconds: number) => wavHeaderOf(seconds * 16000);

Deno.test("audio containers are recognised by their bytes, anything else is refused", () => {
  assert.equal(sniffFormat(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82], "webm")), "webm");
  assert.equal(sniffFormat(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82], "matroska")), null);
  assert.equal(sniffFormat(bytes("OggS", [0, 2])), "ogg");
  assert.equal(sniffFormat(wavHeader(1)), "wav");
  assert.equal(sniffFormat(bytes("ID3", [4, 0])), "mp3");
  assert.equal(sniffFormat(bytes([0xff, 0xfb, 0x90, 0x64])), "mp3");
  assert.equal(sniffFormat(bytes("<html><script>")), null);
  assert.equal(sniffFormat(bytes([0x89], "PNG")), null);
  assert.equal(sniffFormat(new Uint8Array()), null);
});

Deno.test("a WAV header says how long it is", () => {
  assert.equal(wavSeconds(wavHeader(90)), 90);
  assert.equal(wavSeconds(bytes("RIFF", [0, 0, 0, 0], "WAVE")), null);
});

Deno.test("peek returns the head and the whole stream, unchanged", async () => {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(10).fill(i));
      controller.close();
    },
  });
  const { head, stream } = await peek(source, 25);
  assert.deepEqual([...head.subarray(0, 12)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
  const all = new Uint8Array(await new Response(stream).arrayBuffer());
  assert.equal(all.length, 100);
  assert.equal(all[99], 9);
});

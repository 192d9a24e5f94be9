/**
 * Test bodies that are never held whole: every byte is a function of its position, so a stream of
 * any size is generated chunk by chunk, and any range read back is checked against the same
 * function. Positions mix their high bits in, so two 64 KiB segments never look alike.
 */
import { createHash } from "node:crypto";

/** The byte at `position` of every pattern body. */
export function patternByte(position: number): number {
  const high = Math.floor(position / 65_536);
  return (position * 31 + (position >>> 8) * 7 + high * 131 + 17) & 0xff;
}

/** `length` bytes of the pattern from `offset`. */
export function patternBytes(offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = patternByte(offset + i);
  return out;
}

/**
 * A `size`-byte pattern body streamed in `chunkBytes` pieces (odd by default, so chunks straddle
 * segment and part boundaries); `failAfter` errors the stream after that many bytes.
 */
export function patternStream(
  size: number,
  options: { chunkBytes?: number; failAfter?: number } = {},
): ReadableStream<Uint8Array> {
  const chunkBytes = options.chunkBytes ?? 37_123;
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (options.failAfter !== undefined && sent >= options.failAfter) {
        controller.error(new Error("the source failed"));
        return;
      }
      const length = Math.min(chunkBytes, size - sent);
      controller.enqueue(patternBytes(sent, length));
      sent += length;
      if (sent >= size) controller.close();
    },
  }, { highWaterMark: 0 });
}

/** SHA-256 (hex) and length of a stream, read chunk by chunk. */
export async function digest(
  stream: ReadableStream<Uint8Array>,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  return { sha256: hash.digest("hex"), bytes };
}

/** SHA-256 of the first `size` pattern bytes, generated a piece at a time. */
export function patternDigest(size: number): Promise<{ sha256: string; bytes: number }> {
  return digest(patternStream(size, { chunkBytes: 1 << 20 }));
}

/** A whole (small) stream as bytes. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** A stream of the given chunks. */
export function streamOf(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return ReadableStream.from(chunks);
}

/**
 * Byte arrays equal; on a difference, says where, instead of the whole-array diff `deepEqual`
 * prints (which takes minutes for megabytes).
 */
export function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what = "bytes"): void {
  if (actual.byteLength !== expected.byteLength) {
    throw new Error(`${what}: ${actual.byteLength} bytes, expected ${expected.byteLength}`);
  }
  const at = actual.findIndex((byte, i) => byte !== expected[i]);
  if (at >= 0) throw new Error(`${what}: byte ${at} is ${actual[at]}, expected ${expected[at]}`);
}

/**
 * Authenticated encryption that can be read from the middle: the plaintext is cut into 64 KiB
 * segments, each sealed on its own with AES-256-GCM (the STREAM construction: a nonce of a
 * per-file prefix, the segment's index and a last-segment flag; the format is described in
 * `segmented-format.ts`). So an HTTP Range read opens only the segments it touches, and still
 * nothing unauthenticated is ever returned: a changed byte, two segments swapped, a file cut short
 * or grown fails to open.
 */
import {
  FIXED_HEADER_BYTES,
  type Header,
  metadataLength,
  newHeader,
  openSegment,
  parseHeader,
  SEALED_SEGMENT_BYTES,
  SealedDataError,
  sealSegment,
  SEGMENT_BYTES,
  TAG_BYTES,
} from "./segmented-format.ts";

export { SealedDataError, SEGMENT_BYTES, TAG_BYTES } from "./segmented-format.ts";

/**
 * Encrypts a stream: the header first, then one sealed segment per 64 KiB. A full segment is held
 * back until the next byte (or the end) shows whether it is the last, so at most one segment of
 * plaintext is ever buffered.
 */
export function sealStream(
  masterKey: Uint8Array,
  metadata: Uint8Array,
): TransformStream<Uint8Array, Uint8Array> {
  const header = newHeader(masterKey, metadata);
  // Web Crypto copies its input when called, so one plaintext buffer serves every segment.
  const pending = new Uint8Array(SEGMENT_BYTES);
  let filled = 0;
  let index = 0;
  return new TransformStream({
    start(controller) {
      controller.enqueue(header.bytes);
    },
    async transform(chunk, controller) {
      let offset = 0;
      while (offset < chunk.byteLength) {
        if (filled === SEGMENT_BYTES) {
          controller.enqueue(await sealSegment(header, index++, false, pending));
          filled = 0;
        }
        const take = Math.min(SEGMENT_BYTES - filled, chunk.byteLength - offset);
        pending.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
      }
    },
    async flush(controller) {
      controller.enqueue(await sealSegment(header, index, true, pending.subarray(0, filled)));
    },
  });
}

/** Reads of a sealed file at any offset (a file handle, or bytes in a test). */
export interface RandomAccess {
  /** The sealed file's whole size in bytes. */
  size: number;
  /** Exactly `length` bytes from `offset` (fewer only at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Called once a read stream is done with it: ended, failed or cancelled. */
  close?(): Promise<void>;
}

/** A sealed file opened for reading: its authenticated metadata and plaintext size. */
export interface SealedFile {
  metadata: Uint8Array;
  /** Plaintext bytes, from the file's size (every read touching the end confirms it). */
  size: number;
  /** The plaintext from `start` to `end` inclusive (all when absent), one segment at a time. */
  read(range?: { start: number; end: number }): ReadableStream<Uint8Array>;
  /** Releases the source without reading (a read stream releases it itself when done). */
  close(): Promise<void>;
}

/** Opens a sealed file; throws `SealedDataError` when its header or layout is not ours. */
export async function openSealed(masterKey: Uint8Array, source: RandomAccess): Promise<SealedFile> {
  const fixed = await source.read(0, FIXED_HEADER_BYTES);
  const metadata = await source.read(FIXED_HEADER_BYTES, metadataLength(fixed));
  const header = parseHeader(masterKey, fixed, metadata);
  const body = source.size - header.bytes.byteLength;
  const segments = Math.ceil(body / SEALED_SEGMENT_BYTES);
  // Every segment carries a tag, so a body of none, or ending in a sliver, was cut or grown.
  if (segments < 1 || body - (segments - 1) * SEALED_SEGMENT_BYTES < TAG_BYTES) {
    throw new SealedDataError("the sealed body is cut short or grown");
  }
  const size = body - segments * TAG_BYTES;
  return {
    metadata,
    size,
    read: (range) => segmentStream(header, source, segments, size, range),
    close: async () => await source.close?.(),
  };
}

function segmentStream(
  header: Header,
  source: RandomAccess,
  segments: number,
  size: number,
  range: { start: number; end: number } | undefined,
): ReadableStream<Uint8Array> {
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  let index = Math.floor(start / SEGMENT_BYTES);
  const lastIndex = range ? Math.floor(end / SEGMENT_BYTES) : segments - 1;
  let closed = false;
  const done = async () => {
    if (closed) return; // once, whichever of end, failure and cancel comes first
    closed = true;
    await source.close?.();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const offset = header.bytes.byteLength + index * SEALED_SEGMENT_BYTES;
        const plain = await openSegment(
          header,
          index,
          index === segments - 1,
          await source.read(offset, SEALED_SEGMENT_BYTES),
        );
        const base = index * SEGMENT_BYTES;
        const from = Math.max(start - base, 0);
        const piece = plain.subarray(from, Math.min(end - base + 1, plain.byteLength));
        if (piece.byteLength > 0) controller.enqueue(piece);
        if (index++ >= lastIndex) {
          await done();
          controller.close();
        }
      } catch (error) {
        await done();
        throw error;
      }
    },
    cancel: done,
  }, { highWaterMark: 0 });
}

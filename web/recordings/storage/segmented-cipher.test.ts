import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  openSealed,
  type RandomAccess,
  SealedDataError,
  sealStream,
  SEGMENT_BYTES,
  TAG_BYTES,
} from "./segmented-cipher.ts";
import { assertSameBytes, patternBytes, patternStream, readAll } from "./testing/bytes.ts";

const KEY = new Uint8Array(randomBytes(32));
const META = new TextEncoder().encode("audio/webm");
const SEALED = SEGMENT_BYTES + TAG_BYTES;

/** Seals the first `size` pattern bytes into memory (small sizes only: this is the cipher's test). */
function sealPattern(size: number, key = KEY): Promise<Uint8Array> {
  return readAll(patternStream(size, { chunkBytes: 10_007 }).pipeThrough(sealStream(key, META)));
}

/** Bytes as a random-access source, counting the bytes read. */
function memory(bytes: Uint8Array): RandomAccess & { bytesRead: number; closed: number } {
  return {
    size: bytes.byteLength,
    bytesRead: 0,
    closed: 0,
    read(offset, length) {
      const piece = bytes.slice(offset, offset + length);
      this.bytesRead += piece.byteLength;
      return Promise.resolve(piece);
    },
    close() {
      this.closed++;
      return Promise.resolve();
    },
  };
}

async function openAll(bytes: Uint8Array, key = KEY): Promise<Uint8Array> {
  return readAll((await openSealed(key, memory(bytes))).read());
}

const headerLength = (sealed: Uint8Array, size: number) =>
  sealed.byteLength - size - Math.max(1, Math.ceil(size / SEGMENT_BYTES)) * TAG_BYTES;

Deno.test("segmented cipher: round trips at and around segment boundaries", async () => {
  for (
    const size of [0, 1, SEGMENT_BYTES - 1, SEGMENT_BYTES, SEGMENT_BYTES + 1, 3 * SEGMENT_BYTES + 5]
  ) {
    const sealed = await sealPattern(size);
    const opened = await openSealed(KEY, memory(sealed));
    assert.equal(opened.size, size, `size of ${size}`);
    assert.deepEqual(new TextDecoder().decode(opened.metadata), "audio/webm");
    assertSameBytes(await readAll(opened.read()), patternBytes(0, size), `body of ${size}`);
  }
});

Deno.test("segmented cipher: the same plaintext seals differently every time", async () => {
  const [a, b] = [await sealPattern(1000), await sealPattern(1000)];
  assert.notDeepEqual(a, b);
  assert.equal(a.byteLength, b.byteLength);
});

Deno.test("segmented cipher: a range opens only the segments it touches", async () => {
  const size = 5 * SEGMENT_BYTES + 100;
  const sealed = await sealPattern(size);
  const cases: [number, number][] = [
    [0, 0],
    [SEGMENT_BYTES - 3, SEGMENT_BYTES + 2],
    [2 * SEGMENT_BYTES, 3 * SEGMENT_BYTES - 1],
    [size - 7, size - 1],
    [SEGMENT_BYTES + 9, 4 * SEGMENT_BYTES + 11],
  ];
  for (const [start, end] of cases) {
    const source = memory(sealed);
    const opened = await openSealed(KEY, source);
    const before = source.bytesRead;
    assertSameBytes(
      await readAll(opened.read({ start, end })),
      patternBytes(start, end - start + 1),
    );
    const touched = Math.floor(end / SEGMENT_BYTES) - Math.floor(start / SEGMENT_BYTES) + 1;
    assert.ok(source.bytesRead - before <= touched * SEALED, `${start}-${end} read too much`);
    assert.equal(source.closed, 1, "the source is released when the stream ends");
  }
});

/** Each must fail to read: the stream errors, and never hands out the bad segment's bytes. */
async function assertUnreadable(bytes: Uint8Array, what: string, key = KEY) {
  await assert.rejects(() => openAll(bytes, key), SealedDataError, what);
}

Deno.test("segmented cipher: a changed byte anywhere fails to open", async () => {
  const sealed = await sealPattern(3 * SEGMENT_BYTES);
  const header = headerLength(sealed, 3 * SEGMENT_BYTES);
  for (const at of [5, header - 1, header, header + SEALED + 100, sealed.byteLength - 1]) {
    const tampered = sealed.slice();
    tampered[at] ^= 0x01;
    await assertUnreadable(tampered, `byte ${at} flipped`);
  }
});

Deno.test("segmented cipher: swapped segments fail to open", async () => {
  const sealed = await sealPattern(3 * SEGMENT_BYTES);
  const h = headerLength(sealed, 3 * SEGMENT_BYTES);
  const swapped = sealed.slice();
  swapped.set(sealed.subarray(h + SEALED, h + 2 * SEALED), h);
  swapped.set(sealed.subarray(h, h + SEALED), h + SEALED);
  await assertUnreadable(swapped, "segments 0 and 1 swapped");
  // A range read of the swapped part fails too, not only a whole read.
  const opened = await openSealed(KEY, memory(swapped));
  await assert.rejects(() => readAll(opened.read({ start: 10, end: 20 })), SealedDataError);
});

Deno.test("segmented cipher: truncation and appending fail to open", async () => {
  const size = 2 * SEGMENT_BYTES + 500;
  const sealed = await sealPattern(size);
  const h = headerLength(sealed, size);
  await assertUnreadable(sealed.slice(0, h + 2 * SEALED), "last segment dropped");
  await assertUnreadable(sealed.slice(0, h + SEALED), "two segments dropped");
  await assertUnreadable(sealed.slice(0, sealed.byteLength - 1), "one byte cut");
  await assertUnreadable(sealed.slice(0, h + 3), "cut inside the first segment");
  await assertUnreadable(sealed.slice(0, h - 1), "cut inside the header");
  await assertUnreadable(new Uint8Array([...sealed, 0]), "one byte appended");
  const lastSegment = sealed.subarray(h + 2 * SEALED);
  await assertUnreadable(new Uint8Array([...sealed, ...lastSegment]), "last segment repeated");
  // A whole-segment-aligned empty file is still refused: the one empty segment is missing.
  await assertUnreadable(sealed.slice(0, h), "header only");
});

Deno.test("segmented cipher: another key, or another file's segment, fails to open", async () => {
  await assertUnreadable(await sealPattern(100), "another key", new Uint8Array(randomBytes(32)));
  const [a, b] = [await sealPattern(2 * SEGMENT_BYTES), await sealPattern(2 * SEGMENT_BYTES)];
  const h = headerLength(a, 2 * SEGMENT_BYTES);
  const mixed = a.slice();
  mixed.set(b.subarray(h + SEALED), h + SEALED);
  await assertUnreadable(mixed, "last segment from another file with the same key");
});

Deno.test("segmented cipher: foreign data and an unknown version are refused", async () => {
  await assertUnreadable(new TextEncoder().encode("RIFF....WAVEfmt plain audio here"), "plain");
  const sealed = await sealPattern(10);
  sealed[4] = 2;
  await assertUnreadable(sealed, "version 2");
});

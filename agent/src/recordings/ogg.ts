/**
 * What an Ogg Opus file holds, read from its first and last pages only: the channel count and
 * pre-skip from `OpusHead`, and the real duration from the last page's granule position
 * ((granule - pre-skip) / 48 kHz, RFC 7845). It replaces an ffprobe run per recording (a process
 * start costs more than the transcode of a short call) and is exact where ffprobe adds the last
 * frame's padding. A file without an end-of-stream last page is refused: it is not complete.
 */
import { open } from "node:fs/promises";

/** What the file says. */
export interface OpusInfo {
  channels: number;
  preSkip: number;
  durationSeconds: number;
}

/** Not a complete Ogg Opus file. */
export class OggError extends Error {
  override name = "OggError";
}

// A page is at most 27 + 255 header bytes and 255 * 255 data bytes.
const MAX_PAGE = 27 + 255 + 255 * 255;
const ascii = (b: Uint8Array, at: number, text: string) =>
  [...text].every((ch, i) => b[at + i] === ch.charCodeAt(0));

/** Length of the page starting at `at` in `bytes`, or null when no whole page is there. */
function pageLength(bytes: Uint8Array, at: number): number | null {
  if (at + 27 > bytes.length || !ascii(bytes, at, "OggS") || bytes[at + 4] !== 0) return null;
  const segments = bytes[at + 26];
  if (at + 27 + segments > bytes.length) return null;
  let data = 0;
  for (let i = 0; i < segments; i++) data += bytes[at + 27 + i];
  return 27 + segments + data;
}

/** Reads the Opus facts of the Ogg file at `path`. */
export async function readOpusInfo(path: string): Promise<OpusInfo> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const head = new Uint8Array(Math.min(size, 4096));
    await file.read(head, 0, head.length, 0);
    const first = pageLength(head, 0);
    const body = first === null ? -1 : 27 + head[26];
    if (first === null || !ascii(head, body, "OpusHead") || head.length < body + 19) {
      throw new OggError("no OpusHead in the first Ogg page");
    }
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const channels = head[body + 9];
    const preSkip = view.getUint16(body + 10, true);

    const tailStart = Math.max(0, size - MAX_PAGE);
    const tail = new Uint8Array(size - tailStart);
    await file.read(tail, 0, tail.length, tailStart);
    // The last page is the one that ends exactly at the end of the file.
    for (let at = tail.length - 27; at >= 0; at--) {
      if (tail[at] !== 0x4f || pageLength(tail, at) !== tail.length - at) continue;
      if ((tail[at + 5] & 0x04) === 0) {
        throw new OggError("the last Ogg page does not end the stream");
      }
      const granule = new DataView(tail.buffer, tail.byteOffset + at + 6, 8).getBigInt64(0, true);
      const samples = Number(granule) - preSkip;
      if (!(samples >= 0)) throw new OggError("the last Ogg page has no position");
      return { channels, preSkip, durationSeconds: samples / 48_000 };
    }
    throw new OggError("no complete last Ogg page");
  } finally {
    await file.close();
  }
}

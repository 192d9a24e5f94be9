/**
 * What an upload really is, from its first bytes: uploads are recognised by content, never by a
 * file name or a claimed type.
 */
import type { RecordingFormat } from "../../shared/recordings.ts";

/** How many leading bytes recognising a format needs. */
export const SNIFF_BYTES = 64;

/** The MIME type each format is served with. */
export const CONTENT_TYPES: Record<RecordingFormat, string> = {
  webm: "audio/webm",
  ogg: "audio/ogg",
  wav: "audio/wav",
  mp3: "audio/mpeg",
};

const ascii = (bytes: Uint8Array, at: number, text: string) =>
  [...text].every((ch, i) => bytes[at + i] === ch.charCodeAt(0));

function includesAscii(bytes: Uint8Array, text: string): boolean {
  for (let at = 0; at + text.length <= bytes.length; at++) if (ascii(bytes, at, text)) return true;
  return false;
}

/** The container of an audio file from its first bytes, or null when it is none we accept. */
export function sniffFormat(head: Uint8Array): RecordingFormat | null {
  // EBML magic, with the WebM doctype in the header (Matroska video is not a recording).
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    return includesAscii(head, "webm") ? "webm" : null;
  }
  if (ascii(head, 0, "OggS")) return "ogg";
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "WAVE")) return "wav";
  // An ID3 tag, or an MPEG audio frame sync (11 set bits) of layer III.
  if (ascii(head, 0, "ID3")) return "mp3";
  if (head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && (head[1] & 0x06) === 0x02) return "mp3";
  return null;
}

/**
 * Seconds of audio a WAV header announces (data size / byte rate), or null when the header is not
 * a plain PCM one we can read. Browsers' own uploads say their length; a WAV can prove it.
 */
export function wavSeconds(head: Uint8Array): number | null {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let byteRate = 0;
  for (let at = 12; at + 8 <= head.length;) {
    const size = view.getUint32(at + 4, true);
    if (ascii(head, at, "fmt ") && at + 20 <= head.length) byteRate = view.getUint32(at + 16, true);
    if (ascii(head, at, "data")) return byteRate > 0 ? size / byteRate : null;
    at += 8 + size + (size % 2);
  }
  return null;
}

/** The first `count` bytes of `stream` (fewer if it is shorter), and the whole stream again. */
export async function peek(
  stream: ReadableStream<Uint8Array>,
  count: number,
): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array> }> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      if (joined.length > 0) controller.enqueue(joined);
    },
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { head: joined.subarray(0, count), stream: replay };
}

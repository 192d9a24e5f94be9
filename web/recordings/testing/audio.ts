/** Audio for recordings tests: real WAV files, and the start of a WebM stream as browsers send it. */

/** The 44-byte header of a mono 16-bit 8 kHz WAV announcing `dataBytes` of samples. */
export function wavHeader(dataBytes: number): Uint8Array<ArrayBuffer> {
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  const text = (at: number, value: string) =>
    [...value].forEach((ch, i) => (header[at + i] = ch.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  text(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, 8000, true);
  view.setUint32(28, 16000, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, dataBytes, true);
  return header;
}

/** A mono 16-bit 8 kHz WAV of `seconds` of a 440 Hz tone. */
export function wavBytes(seconds: number): Uint8Array<ArrayBuffer> {
  const samples = Math.round(seconds * 8000);
  const bytes = new Uint8Array(44 + samples * 2);
  bytes.set(wavHeader(samples * 2));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples; i++) {
    view.setInt16(44 + i * 2, Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), true);
  }
  return bytes;
}

/** The EBML header a MediaRecorder's first WebM chunk starts with, then `size` bytes of data. */
export function webmChunk(size: number, first: boolean): Uint8Array<ArrayBuffer> {
  const head = first
    ? [
      0x1a,
      0x45,
      0xdf,
      0xa3,
      0x9f,
      0x42,
      0x86,
      0x81,
      0x01,
      0x42,
      0x82,
      0x84,
      ...[..."webm"]
        .map((c) => c.charCodeAt(0)),
    ]
    : [];
  const bytes = new Uint8Array(head.length + size);
  bytes.set(head);
  for (let i = head.length; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
  return bytes;
}

/** A multipart/form-data request init with text `fields` first, then `file`. */
export function multipart(
  fields: Record<string, string>,
  file: Uint8Array<ArrayBuffer>,
  headers = {},
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", new Blob([file]), "audio");
  return { method: "POST", body: form, headers };
}

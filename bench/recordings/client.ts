/**
 * What the recordings benchmark sends, generated as it goes so the driver holds no file either:
 * WAV audio of a given size, a multipart upload streaming it, playback requests timed to their
 * first byte, and signed event batches.
 */
import { signRequest } from "../../shared/signing.ts";
import { wavHeader } from "../../web/recordings/testing/audio.ts";

const CHUNK = 64 * 1024;
const WAV_HEADER = 44;

/** Seconds of 8 kHz 16-bit mono audio that fit in `bytes`. */
export const wavSecondsIn = (bytes: number) => (bytes - WAV_HEADER) / 16000;

/** A WAV file of exactly `totalBytes`, produced chunk by chunk on demand. */
export function wavStream(totalBytes: number): ReadableStream<Uint8Array> {
  const samples = new Uint8Array(CHUNK).map((_, i) => (i * 31) & 0xff);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === 0) {
        controller.enqueue(wavHeader(totalBytes - WAV_HEADER));
        sent = WAV_HEADER;
        return;
      }
      const size = Math.min(CHUNK, totalBytes - sent);
      if (size <= 0) return controller.close();
      controller.enqueue(size === CHUNK ? samples : samples.subarray(0, size));
      sent += size;
    },
  }, { highWaterMark: 0 });
}

/** A multipart/form-data body: text fields, then `file` streamed through. */
export function multipartStream(fields: Record<string, string>, file: ReadableStream<Uint8Array>) {
  const boundary = `careflow-bench-${crypto.randomUUID()}`;
  const encoder = new TextEncoder();
  const head =
    Object.entries(fields).map(([name, value]) =>
      `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
    ).join("") +
    `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="audio.wav"\r\n` +
    `content-type: audio/wav\r\n\r\n`;
  const reader = file.getReader();
  let stage: "head" | "file" | "done" = "head";
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stage === "head") {
        stage = "file";
        return controller.enqueue(encoder.encode(head));
      }
      if (stage === "done") return controller.close();
      const next = await reader.read();
      if (!next.done) return controller.enqueue(next.value);
      stage = "done";
      controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Uploads a WAV of `bytes` as the user with `cookie`; resolves with the recording's id. */
export async function uploadWav(webUrl: string, cookie: string, bytes: number): Promise<string> {
  const { body, contentType } = multipartStream(
    { type: "call", duration: String(Math.floor(wavSecondsIn(bytes))) },
    wavStream(bytes),
  );
  const response = await fetch(`${webUrl}/api/recordings/upload`, {
    method: "POST",
    headers: { cookie, "content-type": contentType, origin: new URL(webUrl).origin },
    body,
  });
  const json = await response.json();
  if (response.status !== 201) throw new Error(`upload refused: ${JSON.stringify(json)}`);
  return json.recording.id;
}

/** Streams `bytes` of WAV, as an upload, to one of the bench server's sinks. */
export async function sinkWav(sinkUrl: string, bytes: number): Promise<void> {
  const { body, contentType } = multipartStream({}, wavStream(bytes));
  const response = await fetch(sinkUrl, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
  await response.body?.cancel();
}

/** Milliseconds from sending a playback request to its first byte of audio. */
export async function firstByteMs(url: string, cookie: string, range?: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie, ...(range ? { range } : {}) } });
  const expected = range ? 206 : 200;
  if (response.status !== expected) {
    throw new Error(`playback answered ${response.status}: ${await response.text()}`);
  }
  const reader = response.body!.getReader();
  const first = await reader.read();
  const elapsed = performance.now() - started;
  if (first.done || first.value.byteLength === 0) throw new Error("playback sent no audio");
  await reader.cancel();
  return elapsed;
}

/** A signed `POST /internal/events` of `events`; resolves once web has answered every event. */
export async function postEvents(webUrl: string, secret: string, events: unknown[]) {
  const body = JSON.stringify({ events });
  const response = await fetch(`${webUrl}/internal/events`, {
    method: "POST",
    headers: {
      ...signRequest({ secret, method: "POST", path: "/internal/events", body }),
      "content-type": "application/json",
    },
    body,
  });
  const json = await response.json();
  if (response.status !== 200) throw new Error(`events refused: ${JSON.stringify(json)}`);
  const failed = json.results.filter((r: { ok: boolean }) => !r.ok);
  if (failed.length) throw new Error(`events not taken: ${JSON.stringify(failed[0])}`);
}

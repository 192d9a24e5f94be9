/**
 * ffmpeg as a child process: it reads the WAV and writes the transcode itself
 * (nothing passes through this process's memory), into a `.part` file renamed once complete, so
 * a transcode cut short by a crash is never mistaken for a finished one (`ogg.ts` then reads what
 * was made: its real duration, since the WAV header's sizes may be missing or wrong).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { setPriority } from "node:os";

/** The formats made: Opus in Ogg always, MP3 when asked. */
export type TranscodeFormat = "ogg" | "mp3";

/** How each format is encoded. Per channel, so a stereo call keeps the quality of a mono one. */
export interface EncoderSettings {
  /** Opus bit rate per channel (bit/s). Speech at 8 kHz: 16 kbit/s is near G.711. */
  opusBitsPerChannel: number;
  /**
   * libopus complexity 0-10. 5 rather than the default 10: measured (bench/media) about 1.6x
   * faster on 8 kHz speech, which keeps a 10-minute stereo call well above 50x real time.
   */
  opusComplexity: number;
  mp3BitsPerChannel: number;
}

/** The defaults (see {@link EncoderSettings}). */
export const DEFAULT_ENCODER: EncoderSettings = {
  opusBitsPerChannel: 16_000,
  opusComplexity: 5,
  mp3BitsPerChannel: 16_000,
};

/** One transcode to run. */
export interface TranscodeInput {
  ffmpegPath: string;
  wav: string;
  output: string;
  format: TranscodeFormat;
  channels: number;
  /** The header's sizes are not final (the writer died): read to the end of the file. */
  ignoreLength?: boolean;
  encoder?: EncoderSettings;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A failed ffmpeg run; the message holds the tail of its stderr (no secrets there). */
export class ToolError extends Error {
  override name = "ToolError";
}

/** The arguments of one ffmpeg run (exported for the benchmark, which runs the same encoders). */
export function ffmpegArgs(input: TranscodeInput, output: string): string[] {
  const e = input.encoder ?? DEFAULT_ENCODER;
  const codec = input.format === "ogg"
    ? [
      "-c:a",
      "libopus",
      "-application",
      "voip",
      "-compression_level",
      String(e.opusComplexity),
      "-b:a",
      String(e.opusBitsPerChannel * input.channels),
    ]
    : ["-c:a", "libmp3lame", "-b:a", String(e.mp3BitsPerChannel * input.channels)];
  return [
    "-nostdin",
    "-hide_banner",
    "-loglevel",
    "error",
    "-threads",
    "1",
    ...(input.ignoreLength ? ["-ignore_length", "1"] : []),
    // The demuxer is named and paths carry `file:`, so no crafted file can make ffmpeg read it
    // as a playlist (HLS, concat) that reaches other files or the network.
    "-f",
    "wav",
    "-protocol_whitelist",
    "file",
    "-i",
    `file:${input.wav}`,
    "-map",
    "0:a:0",
    "-map_metadata",
    "-1",
    ...codec,
    "-f",
    input.format,
    "-y",
    `file:${output}`,
  ];
}

/** Runs a tool to its end; rejects with its stderr's tail on a non-zero exit or a timeout. */
async function run(
  command: string,
  args: string[],
  options: { signal?: AbortSignal; timeoutMs: number },
): Promise<void> {
  const child = Bun.spawn([command, ...args], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  try {
    // Background work: FreeSWITCH on the same machine must never wait for a transcode.
    setPriority(child.pid, 10);
  } catch { /* not permitted here: run at normal priority */ }
  const kill = () => child.kill("SIGKILL");
  const timer = setTimeout(kill, options.timeoutMs);
  options.signal?.addEventListener("abort", kill, { once: true });
  try {
    const [code, err] = await Promise.all([
      child.exited,
      new Response(child.stderr as ReadableStream).text(),
    ]);
    if (options.signal?.aborted) throw new ToolError(`${command} stopped: the service stopped`);
    if (code !== 0) {
      const why = child.signalCode ? `killed (${child.signalCode})` : `exit ${code}`;
      throw new ToolError(`${command} failed, ${why}: ${err.trim().slice(-500)}`);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", kill);
  }
}

/** Hex SHA-256 of a file, read as a stream. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Makes one transcode at `input.output`; returns its size and SHA-256. */
export async function transcode(input: TranscodeInput): Promise<{ bytes: number; sha256: string }> {
  const part = `${input.output}.part`;
  try {
    await run(input.ffmpegPath, ffmpegArgs(input, part), {
      signal: input.signal,
      timeoutMs: input.timeoutMs ?? 600_000,
    });
    await rename(part, input.output);
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  }
  const [{ size }, sha256] = await Promise.all([stat(input.output), sha256File(input.output)]);
  return { bytes: size, sha256 };
}

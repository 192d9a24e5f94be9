/**
 * The spool folder FreeSWITCH writes WAVs into, seen from input the agent does not control: a path
 * from an ESL event is only ever used once it is proven to name a regular WAV file inside the
 * spool (no `..`, no symlink out, not the agent's own state folder), and a WAV is only handed to
 * ffmpeg once its header says it is PCM audio we can read.
 */
import { lstat, open, realpath } from "node:fs/promises";
import { posix } from "node:path";

/** The agent's own folder inside the spool (jobs, transcodes); no event path may point into it. */
export const STATE_DIR = ".careflow";

/** Why a path or file was refused; safe to log and to use as a metric label. */
export type SpoolRefusal =
  | "not_absolute"
  | "not_normalized"
  | "outside_spool"
  | "hidden"
  | "not_wav_name"
  | "missing"
  | "not_regular_file"
  | "symlink_escape"
  | "not_wav";

/** A refusal, carrying its reason. */
export class SpoolError extends Error {
  constructor(readonly reason: SpoolRefusal) {
    super(`recording path refused: ${reason}`);
    this.name = "SpoolError";
  }
}

/** The spool root without a trailing slash (config guarantees an absolute path). */
export function spoolRoot(spoolDir: string): string {
  const root = posix.normalize(spoolDir).replace(/\/+$/, "");
  return root === "" ? "/" : root;
}

/**
 * The path relative to the spool for an absolute path taken from an event, or a
 * {@link SpoolError}. Purely lexical: the file system is asked in {@link checkSpoolFile}.
 */
export function spoolRelative(spoolDir: string, raw: string): string {
  if (typeof raw !== "string" || !raw.startsWith("/") || raw.includes("\0") || raw.length > 4096) {
    throw new SpoolError("not_absolute");
  }
  // A path FreeSWITCH wrote is already normal; anything else (`..`, `//`, `/./`) is refused
  // rather than repaired, since repairing is how a traversal gets in.
  if (posix.normalize(raw) !== raw) throw new SpoolError("not_normalized");
  const root = spoolRoot(spoolDir);
  const prefix = root === "/" ? "/" : `${root}/`;
  if (!raw.startsWith(prefix)) throw new SpoolError("outside_spool");
  const relative = raw.slice(prefix.length);
  if (relative.split("/").some((segment) => segment.startsWith("."))) {
    throw new SpoolError("hidden");
  }
  if (!/\.wav$/i.test(relative)) throw new SpoolError("not_wav_name");
  return relative;
}

/**
 * Checks on disk that `relative` is a regular file (not a symlink) whose real location is still
 * inside the spool, so a symlinked folder cannot lead out of it. Returns its absolute path.
 */
export async function checkSpoolFile(spoolDir: string, relative: string): Promise<string> {
  const root = spoolRoot(spoolDir);
  const path = `${root}/${relative}`;
  const stats = await lstat(path).catch(() => null);
  if (!stats) throw new SpoolError("missing");
  if (!stats.isFile()) throw new SpoolError("not_regular_file");
  const [realRoot, realPath] = await Promise.all([realpath(root), realpath(path)]);
  if (!realPath.startsWith(realRoot === "/" ? "/" : `${realRoot}/`)) {
    throw new SpoolError("symlink_escape");
  }
  return path;
}

/** What a WAV header says. */
export interface WavInfo {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Where the samples start. */
  dataOffset: number;
  /** Sample bytes the header announces (0 while FreeSWITCH is still writing). */
  dataBytes: number;
  fileBytes: number;
  /** Seconds of audio the header announces. */
  headerSeconds: number;
  /**
   * True when the header's sizes agree with the file: FreeSWITCH (libsndfile) writes the sizes
   * when it closes the file, so false means "still being written" (or the writer died).
   */
  complete: boolean;
  mtimeMs: number;
}

const HEAD_BYTES = 4096;
const ascii = (b: Uint8Array, at: number, text: string) =>
  [...text].every((ch, i) => b[at + i] === ch.charCodeAt(0));

/** Reads and checks the header of the WAV at `path`; a {@link SpoolError} `not_wav` otherwise. */
export async function inspectWav(path: string): Promise<WavInfo> {
  const file = await open(path, "r");
  try {
    const stats = await file.stat();
    const head = new Uint8Array(Math.min(HEAD_BYTES, stats.size));
    await file.read(head, 0, head.length, 0);
    return { ...parseWavHeader(head, stats.size), mtimeMs: stats.mtimeMs };
  } finally {
    await file.close();
  }
}

/** Parses a RIFF/WAVE header of 16-bit (or 8/24/32-bit) integer PCM, mono or stereo. */
export function parseWavHeader(head: Uint8Array, fileBytes: number): Omit<WavInfo, "mtimeMs"> {
  if (head.length < 44 || !ascii(head, 0, "RIFF") || !ascii(head, 8, "WAVE")) {
    throw new SpoolError("not_wav");
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const riffBytes = view.getUint32(4, true);
  let format: { channels: number; sampleRate: number; bits: number } | null = null;
  for (let at = 12; at + 8 <= head.length;) {
    const size = view.getUint32(at + 4, true);
    if (ascii(head, at, "fmt ") && at + 24 <= head.length) {
      const tag = view.getUint16(at + 8, true);
      // 1 = PCM; 0xFFFE = WAVE_FORMAT_EXTENSIBLE, whose sub-format GUID starts with the tag.
      const pcm = tag === 1 || (tag === 0xfffe && at + 34 <= head.length &&
        view.getUint16(at + 32, true) === 1);
      if (!pcm) throw new SpoolError("not_wav");
      format = {
        channels: view.getUint16(at + 10, true),
        sampleRate: view.getUint32(at + 12, true),
        bits: view.getUint16(at + 22, true),
      };
    }
    if (ascii(head, at, "data")) {
      if (!format) break;
      const { channels, sampleRate, bits } = format;
      const valid = channels >= 1 && channels <= 2 && sampleRate >= 8000 &&
        sampleRate <= 48000 && [8, 16, 24, 32].includes(bits);
      if (!valid) break;
      const dataOffset = at + 8;
      const complete = riffBytes + 8 === fileBytes && dataOffset + size <= fileBytes;
      const byteRate = sampleRate * channels * (bits / 8);
      return {
        channels,
        sampleRate,
        bitsPerSample: bits,
        dataOffset,
        dataBytes: size,
        fileBytes,
        headerSeconds: size / byteRate,
        complete,
      };
    }
    at += 8 + size + (size % 2);
  }
  throw new SpoolError("not_wav");
}

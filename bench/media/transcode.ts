/**
 * Transcode speed, measured with the agent's own `transcode()` (the ffmpeg arguments the service
 * runs) on a 10-minute stereo 8 kHz WAV made from the captured bridge recording (real telephone
 * audio, looped), each setting run several times, the median kept.
 */
import { rmSync } from "node:fs";
import {
  DEFAULT_ENCODER,
  type EncoderSettings,
  transcode,
  type TranscodeFormat,
} from "../../agent/src/recordings/transcode.ts";

/** One measured setting. */
export interface SpeedRow {
  label: string;
  seconds: number;
  /** Audio seconds per wall second. */
  realTime: number;
  bytes: number;
}

/** Makes `seconds` of stereo 8 kHz 16-bit WAV at `path` from `source` (looped). */
export async function makeLongWav(source: string, path: string, seconds: number): Promise<void> {
  const child = Bun.spawn([
    "ffmpeg",
    "-nostdin",
    "-v",
    "error",
    "-stream_loop",
    "-1",
    "-i",
    source,
    "-t",
    String(seconds),
    "-ar",
    "8000",
    "-ac",
    "2",
    "-c:a",
    "pcm_s16le",
    "-fflags",
    "+bitexact",
    "-y",
    path,
  ], { stderr: "inherit" });
  if ((await child.exited) !== 0) throw new Error("could not make the long WAV");
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** Times `formats` made together (in parallel, as the service does) `runs` times. */
async function timeRuns(
  wav: string,
  dir: string,
  formats: TranscodeFormat[],
  encoder: EncoderSettings,
  runs: number,
): Promise<{ seconds: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const made = await Promise.all(formats.map((format) =>
      transcode({
        ffmpegPath: "ffmpeg",
        wav,
        output: `${dir}/bench.${format}`,
        format,
        channels: 2,
        encoder,
      })
    ));
    times.push((performance.now() - started) / 1000);
    bytes = made.reduce((sum, m) => sum + m.bytes, 0);
    for (const format of formats) rmSync(`${dir}/bench.${format}`, { force: true });
  }
  return { seconds: median(times), bytes };
}

/** Every row of the transcode table, for a WAV of `audioSeconds`. */
export async function measureSpeeds(
  wav: string,
  dir: string,
  audioSeconds: number,
  runs = 3,
): Promise<SpeedRow[]> {
  const libopusDefault = { ...DEFAULT_ENCODER, opusComplexity: 10 };
  const settings: [string, TranscodeFormat[], EncoderSettings][] = [
    ["Opus/Ogg (service: voip, complexity 5, 32 kbit/s)", ["ogg"], DEFAULT_ENCODER],
    ["MP3 (service: LAME, 32 kbit/s)", ["mp3"], DEFAULT_ENCODER],
    ["Opus + MP3 together (RECORDING_MP3=true)", ["ogg", "mp3"], DEFAULT_ENCODER],
    ["Opus/Ogg at libopus default complexity 10", ["ogg"], libopusDefault],
  ];
  const rows: SpeedRow[] = [];
  for (const [label, formats, encoder] of settings) {
    const { seconds, bytes } = await timeRuns(wav, dir, formats, encoder, runs);
    rows.push({ label, seconds, realTime: audioSeconds / seconds, bytes });
  }
  return rows;
}

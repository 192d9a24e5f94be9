/**
 * Audio checks without sox: ffmpeg makes test tones and decodes recordings to 16-bit PCM, and the
 * analysis (RMS, Goertzel power at a given frequency) is done here.
 */
import assert from "node:assert/strict";
import { runChecked } from "./run.ts";

/** Runs ffmpeg quietly, overwriting its output; a failure throws with what it printed. */
async function ffmpeg(...args: string[]): Promise<void> {
  await runChecked("ffmpeg", ["-loglevel", "error", "-y", ...args]);
}

/** Writes a mono 8 kHz 16-bit WAV with a sine of `frequency` Hz. */
export async function writeTone(path: string, frequency: number, seconds: number): Promise<void> {
  const sine = `sine=frequency=${frequency}:sample_rate=8000:duration=${seconds}`;
  await ffmpeg("-f", "lavfi", "-i", sine, "-ac", "1", "-c:a", "pcm_s16le", path);
}

/** Decodes any audio file to mono 8 kHz samples in [-1, 1]. */
export async function decodePcm(path: string): Promise<Float32Array> {
  // Raw samples go to a file beside the input: the process kit keeps output as text.
  const raw = `${path}.${crypto.randomUUID().slice(0, 8)}.s16le`;
  await ffmpeg("-i", path, "-f", "s16le", "-ac", "1", "-ar", "8000", raw);
  const bytes = await Deno.readFile(raw);
  await Deno.remove(raw);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Float32Array(Math.floor(bytes.byteLength / 2));
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 32768;
  return samples;
}

/** Root mean square of the samples. */
export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

/** Power of one frequency (Goertzel), normalised by the block length. */
export function tonePower(samples: Float32Array, frequency: number, sampleRate = 8000): number {
  const coeff = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return power / (samples.length * samples.length);
}

/** The frequency with the most power, scanning 50-3950 Hz in 50 Hz steps. */
export function dominantFrequency(samples: Float32Array): number {
  let best = 0;
  let bestPower = -1;
  for (let f = 50; f < 4000; f += 50) {
    const p = tonePower(samples, f);
    if (p > bestPower) {
      bestPower = p;
      best = f;
    }
  }
  return best;
}

/**
 * Checks that a recording (sndfile's WAV of what a phone heard) carries `expected` Hz, loud and
 * long enough, and not the recorder's own tone `own`.
 */
export async function assertHears(wav: string | null, expected: number, own: number, who: string) {
  assert.ok(wav, `${who}: no recording`);
  const samples = await decodePcm(wav);
  // Skip the first second (ringing, jitter buffer fill) and look at the rest.
  const body = samples.subarray(8000);
  assert.ok(body.length >= 8000 * 2, `${who}: recording too short (${samples.length} samples)`);
  const level = rms(body);
  assert.ok(level > 0.05, `${who}: recording is silent (rms ${level.toFixed(4)})`);
  assert.equal(dominantFrequency(body), expected, `${who}: dominant frequency`);
  assert.ok(tonePower(body, expected) > 100 * tonePower(body, own), `${who}: hears its own tone`);
}

/**
 * Audio checks without sox: ffmpeg makes test tones and decodes recordings to 16-bit PCM, and the
 * analysis (RMS, Goertzel power at a given frequency) is done here.
 */

/** Writes a mono 8 kHz 16-bit WAV with a sine of `frequency` Hz. */
export async function writeTone(path: string, frequency: number, seconds: number): Promise<void> {
  const out = await new Deno.Command("ffmpeg", {
    args: [
      "-loglevel",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      `sine=frequency=${frequency}:sample_rate=8000:duration=${seconds}`,
      "-ac",
      "1",
      "-c:a",
      "pcm_s16le",
      path,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(`ffmpeg tone: ${new TextDecoder().decode(out.stderr)}`);
}

/** Decodes any audio file to mono 8 kHz samples in [-1, 1]. */
export async function decodePcm(path: string): Promise<Float32Array> {
  const out = await new Deno.Command("ffmpeg", {
    args: ["-loglevel", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", "8000", "-"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(`ffmpeg decode: ${new TextDecoder().decode(out.stderr)}`);
  const bytes = out.stdout;
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

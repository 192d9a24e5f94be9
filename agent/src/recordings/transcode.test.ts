import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { inspectWav } from "./spool.ts";
import { fixtureWav, WAVS } from "./testing/spool.ts";
import { OggError, readOpusInfo } from "./ogg.ts";
import { probeFile } from "./testing/media.ts";
import { sha256File, ToolError, transcode } from "./transcode.ts";

const dir = mkdtempSync(`${tmpdir()}/careflow-transcode-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Decodes a file fully; ffmpeg exits non-zero on a corrupt stream with `-xerror`. */
async function decodesCleanly(path: string): Promise<boolean> {
  const child = Bun.spawn(["ffmpeg", "-v", "error", "-xerror", "-i", path, "-f", "null", "-"], {
    stdout: "ignore",
    stderr: "pipe",
  });
  const errors = await new Response(child.stderr).text();
  return (await child.exited) === 0 && errors.trim() === "";
}

describe("real ffmpeg on the captured WAVs", () => {
  for (const [label, name] of Object.entries(WAVS)) {
    test(`${label}: Opus in Ogg and MP3, valid, with the WAV's real duration`, async () => {
      const wav = await inspectWav(fixtureWav(name));
      for (const format of ["ogg", "mp3"] as const) {
        const output = `${dir}/${label}.${format}`;
        const made = await transcode({
          ffmpegPath: "ffmpeg",
          wav: fixtureWav(name),
          output,
          format,
          channels: wav.channels,
        });
        expect(made.sha256).toBe(await sha256File(output));
        expect(made.bytes).toBe(readFileSync(output).length);
        const seen = await probeFile(output);
        expect(seen).toMatchObject({
          formatName: format,
          codec: format === "ogg" ? "opus" : "mp3",
          channels: wav.channels,
        });
        expect(await decodesCleanly(output)).toBe(true);
        if (format === "ogg") {
          // The service's own reading: exact to the sample; ffprobe adds the last frame's
          // padding (under 20 ms).
          const info = await readOpusInfo(output);
          expect(info.channels).toBe(wav.channels);
          expect(info.durationSeconds).toBeCloseTo(wav.headerSeconds, 6);
          expect(Math.abs(seen.durationSeconds - info.durationSeconds)).toBeLessThan(0.02);
        }
      }
    });
  }

  test("a WAV whose header was never closed is read to its end with ignoreLength", async () => {
    const bytes = new Uint8Array(readFileSync(fixtureWav(WAVS.stereo)));
    const view = new DataView(bytes.buffer);
    view.setUint32(4, 36, true);
    view.setUint32(40, 0, true);
    const cut = `${dir}/unclosed.wav`;
    writeFileSync(cut, bytes);
    expect((await inspectWav(cut)).complete).toBe(false);
    await transcode({
      ffmpegPath: "ffmpeg",
      wav: cut,
      output: `${dir}/unclosed.ogg`,
      format: "ogg",
      channels: 2,
      ignoreLength: true,
    });
    expect((await readOpusInfo(`${dir}/unclosed.ogg`)).durationSeconds).toBeCloseTo(8.31, 6);
  });

  test("a failing ffmpeg is an error with its reason, and leaves no output behind", async () => {
    writeFileSync(`${dir}/garbage.wav`, "RIFF....WAVEfmt nothing useful here".padEnd(200, "x"));
    const failed = await transcode({
      ffmpegPath: "ffmpeg",
      wav: `${dir}/garbage.wav`,
      output: `${dir}/garbage.ogg`,
      format: "ogg",
      channels: 1,
    }).catch((error) => error);
    expect(failed).toBeInstanceOf(ToolError);
    expect(String(failed.message)).toContain("ffmpeg failed");
    expect(() => readFileSync(`${dir}/garbage.ogg`)).toThrow();
    expect(() => readFileSync(`${dir}/garbage.ogg.part`)).toThrow();
  });
});

describe("reading Ogg Opus", () => {
  test("a cut-short, or not-Opus, file is refused", async () => {
    await transcode({
      ffmpegPath: "ffmpeg",
      wav: fixtureWav(WAVS.mono),
      output: `${dir}/whole.ogg`,
      format: "ogg",
      channels: 1,
    });
    const whole = readFileSync(`${dir}/whole.ogg`);
    writeFileSync(`${dir}/cut.ogg`, whole.subarray(0, whole.length - 100));
    writeFileSync(`${dir}/mp3.ogg`, readFileSync(`${dir}/mono.mp3`));
    const refusal = (path: string) => readOpusInfo(path).then(() => "read", (e) => e);
    expect(await refusal(`${dir}/cut.ogg`)).toBeInstanceOf(OggError);
    expect(await refusal(`${dir}/mp3.ogg`)).toBeInstanceOf(OggError);
    expect((await readOpusInfo(`${dir}/whole.ogg`)).durationSeconds).toBe(3);
  });
});

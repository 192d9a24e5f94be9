import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { checkSpoolFile, inspectWav, parseWavHeader, SpoolError, spoolRelative } from "./spool.ts";
import { createTestSpool, fixtureWav, WAVS } from "./testing/spool.ts";

const spool = createTestSpool();
const outside = mkdtempSync(`${tmpdir()}/careflow-outside-`);
afterAll(() => {
  spool.remove();
  rmSync(outside, { recursive: true, force: true });
});

const reason = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof SpoolError) return error.reason;
    throw error;
  }
  return "accepted";
};

describe("paths from events", () => {
  test("a WAV inside the spool, in a subfolder too, is taken by its relative path", () => {
    expect(spoolRelative(spool.dir, `${spool.dir}/a.wav`)).toBe("a.wav");
    expect(spoolRelative(`${spool.dir}/`, `${spool.dir}/vm/1000/msg_1.WAV`)).toBe(
      "vm/1000/msg_1.WAV",
    );
  });

  test("traversal and look-alikes are refused, never repaired", () => {
    const d = spool.dir;
    expect(reason(() => spoolRelative(d, `${d}/../etc/passwd.wav`))).toBe("not_normalized");
    expect(reason(() => spoolRelative(d, `${d}/x/../../y.wav`))).toBe("not_normalized");
    expect(reason(() => spoolRelative(d, `${d}//a.wav`))).toBe("not_normalized");
    expect(reason(() => spoolRelative(d, `${d}/./a.wav`))).toBe("not_normalized");
    expect(reason(() => spoolRelative(d, `${d}-evil/a.wav`))).toBe("outside_spool");
    expect(reason(() => spoolRelative(d, "/etc/a.wav"))).toBe("outside_spool");
    expect(reason(() => spoolRelative(d, "a.wav"))).toBe("not_absolute");
    expect(reason(() => spoolRelative(d, `${d}/a\0.wav`))).toBe("not_absolute");
    expect(reason(() => spoolRelative(d, `${d}/.careflow/jobs/x.wav`))).toBe("hidden");
    expect(reason(() => spoolRelative(d, `${d}/a.txt`))).toBe("not_wav_name");
    expect(reason(() => spoolRelative(d, d))).toBe("outside_spool");
  });

  test("a symlink, or a folder linking out of the spool, is refused on disk", async () => {
    writeFileSync(`${outside}/secret.wav`, readFileSync(fixtureWav(WAVS.mono)));
    symlinkSync(`${outside}/secret.wav`, `${spool.dir}/link.wav`);
    symlinkSync(outside, `${spool.dir}/out`);
    const onDisk = (relative: string) =>
      checkSpoolFile(spool.dir, relative).then(() => "accepted", (e: SpoolError) => e.reason);
    expect(await onDisk("link.wav")).toBe("not_regular_file");
    expect(await onDisk("out/secret.wav")).toBe("symlink_escape");
    expect(await onDisk("none.wav")).toBe("missing");
    mkdirSync(`${spool.dir}/dir.wav`);
    expect(await onDisk("dir.wav")).toBe("not_regular_file");
    spool.add(WAVS.mono, "ok/mono.wav");
    expect(await onDisk("ok/mono.wav")).toBe("accepted");
  });
});

describe("WAV headers", () => {
  test("the captured WAVs read as FreeSWITCH wrote them: closed, 8 kHz, 16-bit", async () => {
    const expected: [string, number, number][] = [
      [WAVS.stereo, 2, 8.31],
      [WAVS.tiny, 2, 0.03],
      [WAVS.mono, 1, 3],
      [WAVS.voicemail, 1, 3.09],
    ];
    for (const [name, channels, seconds] of expected) {
      const info = await inspectWav(fixtureWav(name));
      expect(info).toMatchObject({ channels, sampleRate: 8000, bitsPerSample: 16, complete: true });
      expect(info.headerSeconds).toBeCloseTo(seconds, 5);
    }
  });

  test("a header whose sizes are not written yet reads as incomplete", () => {
    const bytes = new Uint8Array(readFileSync(fixtureWav(WAVS.mono)));
    const view = new DataView(bytes.buffer);
    view.setUint32(4, 36, true); // what libsndfile leaves until it closes the file
    view.setUint32(40, 0, true);
    expect(parseWavHeader(bytes.subarray(0, 4096), bytes.length).complete).toBe(false);
  });

  test("anything but PCM WAV is refused", () => {
    const wav = new Uint8Array(readFileSync(fixtureWav(WAVS.mono))).subarray(0, 4096);
    const notWav = (bytes: Uint8Array) => reason(() => parseWavHeader(bytes, 48044));
    expect(notWav(new TextEncoder().encode("#EXTM3U\nfile:///etc/passwd\n".padEnd(64)))).toBe(
      "not_wav",
    );
    const float = wav.slice();
    new DataView(float.buffer).setUint16(20, 3, true); // IEEE float
    expect(notWav(float)).toBe("not_wav");
    const six = wav.slice();
    new DataView(six.buffer).setUint16(22, 6, true); // six channels
    expect(notWav(six)).toBe("not_wav");
    expect(notWav(wav.subarray(0, 30))).toBe("not_wav");
    expect(notWav(wav)).toBe("accepted");
  });
});

/**
 * A throw-away spool with copies of the WAVs FreeSWITCH wrote in the captures (copied per test
 * from `../shared/fixtures/freeswitch/recordings/`, since the service deletes what it finished).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname } from "node:path";
import { FIXTURES } from "./esl.ts";

/** The captured WAVs by what they are. */
export const WAVS = {
  /** Stereo bridge recording, 8.31 s. */
  stereo: "cf-bridge-a0f09131-061f-488c-9341-e1e5bf65f760.wav",
  /** Stereo, 30 ms (the failed bridge). */
  tiny: "cf-bridge-87a9db38-ed3b-479f-856e-a9dc31c5d5fe.wav",
  /** Mono `record_session`, 3.00 s. */
  mono: "cf-record-ce9459ee-587f-4cb1-a1be-95185d04cad7.wav",
  /** Mono voicemail message, 3.09 s. */
  voicemail: "voicemail-1000-msg_15ca3a30-f290-4cb2-9968-8cce12ac959f.wav",
} as const;

/** The fixture's own path (read only). */
export const fixtureWav = (name: string) => `${FIXTURES}recordings/${name}`;

/** A temporary spool folder. */
export interface TestSpool {
  dir: string;
  /**
   * Copies a captured WAV (by its name in {@link WAVS}, or any file by absolute path) to
   * `relative` in the spool; returns its absolute path.
   */
  add(wav: string, relative?: string): string;
  remove(): void;
}

/** Makes an empty spool under the system's temp folder. */
export function createTestSpool(): TestSpool {
  const dir = mkdtempSync(`${tmpdir()}/careflow-spool-`);
  return {
    dir,
    add(wav, relative = wav.split("/").pop()!) {
      const path = `${dir}/${relative}`;
      mkdirSync(dirname(path), { recursive: true });
      copyFileSync(wav.startsWith("/") ? wav : fixtureWav(wav), path);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

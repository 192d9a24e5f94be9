/**
 * Where the FreeSWITCH captures live. They are referenced, not copied: the folder beside the
 * repository (`/work/shared/fixtures/freeswitch`, see its README) unless `FREESWITCH_FIXTURES`
 * points elsewhere (a checkout on another machine).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const DEFAULT_DIR = "/work/shared/fixtures/freeswitch";

/** The captures folder; throws with a hint when it is missing, so a test fails saying why. */
export function freeswitchFixturesDir(): string {
  // Tests may read the environment; the agent's own code reads it only in config.ts.
  const dir = process.env.FREESWITCH_FIXTURES || DEFAULT_DIR;
  if (!existsSync(join(dir, "README.md"))) {
    throw new Error(`FreeSWITCH fixtures not found in ${dir}: set FREESWITCH_FIXTURES`);
  }
  return dir;
}

/** Absolute path of one fixture file, e.g. `fixturePath("json-cdr", "<uuid>.cdr.json")`. */
export function fixturePath(...parts: string[]): string {
  return join(freeswitchFixturesDir(), ...parts);
}

/** The bytes of a capture, exactly as FreeSWITCH sent them. */
export function readCapture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(name)));
}

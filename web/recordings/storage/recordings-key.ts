/**
 * The key of the local folder's encryption. Configured (`RECORDINGS_KEY`, 32 bytes in base64) it
 * is used as given; otherwise the embedded default keeps one in `DATA_DIR/recordings.key`, made on
 * first start, so a lone server encrypts at rest without set-up. The caller warns when one was
 * generated: a key beside the data protects a stolen disk image only as far as the file is kept
 * apart, and losing it loses every recording.
 */
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile } from "node:fs/promises";

/** Where the embedded default keeps its key, inside DATA_DIR. */
export const RECORDINGS_KEY_FILE = "recordings.key";

/** The key, and whether it was generated just now (so the caller can warn). */
export interface RecordingsKey {
  key: Uint8Array;
  generated: boolean;
  /** The file it came from; undefined when configured. */
  path: string | undefined;
}

function decode(base64: string, where: string): Uint8Array {
  const text = base64.trim();
  const bytes = new Uint8Array(Buffer.from(text, "base64"));
  // Buffer skips bad characters silently, so the text must also round trip.
  const canonical = Buffer.from(bytes).toString("base64");
  if (bytes.byteLength !== 32 || canonical.replace(/=+$/, "") !== text.replace(/=+$/, "")) {
    throw new Error(`${where} must be 32 random bytes, base64 encoded`);
  }
  return bytes;
}

/**
 * The configured key (base64 text, or bytes already decoded by the config) when given; else the
 * one in `${dataDir}/recordings.key`, created with mode 0600 when absent.
 */
export function loadOrCreateRecordingsKey(
  dataDir: string,
  configured?: string | Uint8Array,
): Promise<RecordingsKey> {
  return loadOrCreateKey(dataDir, RECORDINGS_KEY_FILE, "RECORDINGS_KEY", configured);
}

/**
 * A 32-byte key: `configured` (named `variable` in errors) when given; else the one in
 * `${dataDir}/${file}`, created with mode 0600 when absent. Two processes starting at once end
 * with the same key: the file is created exclusively and the loser reads it.
 */
export async function loadOrCreateKey(
  dataDir: string,
  file: string,
  variable: string,
  configured?: string | Uint8Array,
): Promise<RecordingsKey> {
  if (configured instanceof Uint8Array) {
    if (configured.byteLength !== 32) throw new Error(`${variable} must be 32 bytes`);
    return { key: configured, generated: false, path: undefined };
  }
  if (configured !== undefined && configured.trim() !== "") {
    return { key: decode(configured, variable), generated: false, path: undefined };
  }
  const path = `${dataDir.replace(/\/+$/, "")}/${file}`;
  await mkdir(dataDir, { recursive: true });
  const key = new Uint8Array(randomBytes(32));
  try {
    // Exclusive and 0600 from the first byte: no moment when another user could read it.
    const handle = await open(path, "wx", 0o600);
    try {
      await handle.writeFile(`${Buffer.from(key).toString("base64")}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { key, generated: true, path };
  } catch (error) {
    if ((error as { code?: string }).code !== "EEXIST") throw error;
  }
  return { key: await readKeyFile(path), generated: false, path };
}

/** The key file's key; an empty file may be another process still writing it, so wait a little. */
async function readKeyFile(path: string): Promise<Uint8Array> {
  for (let attempt = 0;; attempt++) {
    const text = await readFile(path, "utf8");
    if (text.trim() !== "" || attempt >= 20) return decode(text, path);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

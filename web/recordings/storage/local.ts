/**
 * Recording storage in a local folder (the embedded default, under DATA_DIR): one file per key,
 * sealed with the segmented AES-256-GCM cipher so a Range read decrypts only what it returns. A
 * write goes to a temp file in the same folder and is renamed into place once complete, so a
 * reader sees the old object or the new one, never half of one, and a failed write leaves nothing.
 */
import { mkdir, open, rename, rm } from "node:fs/promises";
import {
  assertValidContentType,
  assertValidExpiry,
  assertValidKey,
  assertValidLimit,
  assertValidPrefix,
  assertWellFormedRange,
  resolveRange,
} from "./keys.ts";
import { countedBody } from "./streams.ts";
import {
  fileSource,
  isMissing,
  OBJECT_SUFFIX,
  pruneFolders,
  walkKeys,
  writeAll,
} from "./local-files.ts";
import { openSealed, type SealedFile, sealStream } from "./segmented-cipher.ts";
import type { RecordingStorage, StoredAudio } from "./types.ts";

/** Where the folder is and the key it is sealed with. */
export interface LocalStorageOptions {
  /** The folder (e.g. `${DATA_DIR}/recordings`); made on the first write. */
  dir: string;
  /** 32 bytes (see `loadOrCreateRecordingsKey`). */
  key: Uint8Array;
}

/** Temp files live here: a dot name no key can take, on the same file system as the objects. */
const TEMP = ".tmp";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Recording storage in `dir`, encrypted under `key`. */
export function createLocalStorage(options: LocalStorageOptions): RecordingStorage {
  if (options.key.byteLength !== 32) throw new TypeError("the recordings key must be 32 bytes");
  const root = options.dir.replace(/\/+$/, "");
  const key = options.key.slice(); // a caller zeroing or reusing its buffer changes nothing here
  const pathOf = (name: string) => `${root}/${name}${OBJECT_SUFFIX}`;

  /** The sealed object, opened, or null when absent; the caller reads or closes it. */
  const openObject = async (name: string): Promise<SealedFile | null> => {
    assertValidKey(name);
    let handle;
    try {
      handle = await open(pathOf(name), "r");
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    try {
      return await openSealed(key, fileSource(handle, (await handle.stat()).size));
    } catch (error) {
      await handle.close();
      throw error;
    }
  };

  return {
    kind: "local",
    async put(name, body, { contentType, maxBytes }) {
      assertValidKey(name);
      assertValidContentType(contentType);
      assertValidLimit(maxBytes);
      await mkdir(`${root}/${TEMP}`, { recursive: true, mode: 0o700 });
      const temp = `${root}/${TEMP}/${crypto.randomUUID()}`;
      const counted = countedBody(body, maxBytes);
      const handle = await open(temp, "wx", 0o600);
      try {
        const sealed = counted.stream.pipeThrough(sealStream(key, encoder.encode(contentType)));
        for await (const chunk of sealed) await writeAll(handle, chunk);
        await handle.sync(); // on disk before the rename makes it the object
      } catch (error) {
        await handle.close();
        await rm(temp, { force: true });
        throw counted.failure() ?? error;
      }
      await handle.close();
      await moveIntoPlace(temp, pathOf(name), root);
      return { size: counted.bytes() };
    },
    async get(name, range): Promise<StoredAudio | null> {
      if (range) assertWellFormedRange(range);
      const object = await openObject(name);
      if (!object) return null;
      const contentType = decoder.decode(object.metadata);
      let span;
      try {
        span = range ? resolveRange(range, object.size) : undefined;
      } catch (error) {
        await object.close();
        throw error;
      }
      return { body: object.read(span), size: object.size, contentType };
    },
    async stat(name) {
      const object = await openObject(name);
      if (!object) return null;
      await object.close();
      return { size: object.size, contentType: decoder.decode(object.metadata) };
    },
    async list(prefix) {
      assertValidPrefix(prefix);
      // Keys are ASCII, so the default sort is S3's byte order.
      return (await walkKeys(root, prefix)).sort();
    },
    async delete(name) {
      assertValidKey(name);
      await rm(pathOf(name), { force: true });
      await pruneFolders(root, name);
    },
    // deno-lint-ignore require-await -- async so that bad arguments reject like everywhere else
    async signedUrl(name, expiresSeconds) {
      assertValidKey(name);
      assertValidExpiry(expiresSeconds);
      return null; // only web can decrypt: played through web, not a link
    },
  };
}

/**
 * Renames the finished temp file over the object. A delete elsewhere may prune the (then empty)
 * folder between making it and the rename, so a missing folder is made again and retried.
 */
async function moveIntoPlace(temp: string, target: string, root: string): Promise<void> {
  const folder = target.slice(0, target.lastIndexOf("/"));
  for (let attempt = 0;; attempt++) {
    try {
      if (folder !== root) await mkdir(folder, { recursive: true, mode: 0o700 });
      await rename(temp, target);
      return;
    } catch (error) {
      if (!isMissing(error) || attempt >= 5) {
        await rm(temp, { force: true });
        throw error;
      }
    }
  }
}

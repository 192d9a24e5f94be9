/**
 * The file system side of the local folder: where a key's file lives, positional reads for the
 * cipher, complete writes, the walk behind `list`, and tidying empty folders after a delete.
 */
import { Buffer } from "node:buffer";
import { type FileHandle, readdir, rmdir } from "node:fs/promises";
import type { RandomAccess } from "./segmented-cipher.ts";

/**
 * Appended to every object's file name. `~` cannot appear in a key, so an object `a` (`a~sealed`)
 * never collides with a folder `a/` that holds `a/b`; it does not end in `~`, so backup tools that
 * skip editor backups (`*~`) still copy it.
 */
export const OBJECT_SUFFIX = "~sealed";

/** A file handle as the cipher's random-access source; closing it closes the handle. */
export function fileSource(handle: FileHandle, size: number): RandomAccess {
  return {
    size,
    async read(offset, length) {
      const buffer = Buffer.alloc(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    },
    close: () => handle.close(),
  };
}

/** Writes all of `bytes` (a single write may be partial). */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.byteLength - written);
    written += bytesWritten;
  }
}

/** True for the error of a path that is not there (or runs through a file). */
export function isMissing(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/**
 * Every key under `prefix` below `root`, unsorted. Only folders the prefix can reach are read, and
 * names starting with a dot (the temp folder) are never keys.
 */
export async function walkKeys(root: string, prefix: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (relative: string) => {
    let entries;
    try {
      entries = await readdir(relative ? `${root}/${relative}` : root, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        const folder = `${path}/`;
        if (folder.startsWith(prefix) || prefix.startsWith(folder)) await visit(path);
      } else if (entry.isFile() && entry.name.endsWith(OBJECT_SUFFIX)) {
        const key = path.slice(0, -OBJECT_SUFFIX.length);
        if (key.startsWith(prefix)) found.push(key);
      }
    }
  };
  const start = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
  await visit(start);
  return found;
}

/** Removes the now empty folders of `key` from the deepest up (stops at the first non-empty). */
export async function pruneFolders(root: string, key: string): Promise<void> {
  const segments = key.split("/").slice(0, -1);
  while (segments.length > 0) {
    try {
      await rmdir(`${root}/${segments.join("/")}`);
    } catch {
      return; // not empty (or already gone): the folders above are not empty either
    }
    segments.pop();
  }
}

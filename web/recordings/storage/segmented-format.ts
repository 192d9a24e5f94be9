/**
 * The sealed file format of the segmented cipher (`segmented-cipher.ts` streams it), and the
 * sealing and opening of one segment.
 *
 * Format, version 1 (all integers big-endian):
 *
 *   "CFRS" | version 1 | salt (16) | nonce prefix (7) | metadata length m (1) | metadata (m)
 *   segment 0 | segment 1 | ... | segment n-1       (n >= 1; an empty file has one empty segment)
 *
 * A segment is the AES-256-GCM ciphertext of 64 KiB of plaintext (the last: 0 to 64 KiB) followed
 * by its 16-byte tag. Its key is HKDF-SHA256(master key, salt), fresh per file, so a nonce need
 * only be unique within its file, however many files one master key seals; its nonce is
 * prefix | index (4) | last (1: 0 or 1); its associated data is the whole header, which binds the
 * metadata (the content type) too. The last flag is what makes cutting whole segments off fail.
 */
import { hkdfSync, randomBytes } from "node:crypto";

/** Plaintext bytes per segment. */
export const SEGMENT_BYTES = 64 * 1024;
/** AES-GCM tag bytes after each segment. */
export const TAG_BYTES = 16;
/** A segment as stored: ciphertext and tag. */
export const SEALED_SEGMENT_BYTES = SEGMENT_BYTES + TAG_BYTES;
const MAGIC = [0x43, 0x46, 0x52, 0x53]; // "CFRS": CareFlow recording segments
const VERSION = 1;
const SALT_BYTES = 16;
const PREFIX_BYTES = 7;
/** Magic, version, salt, prefix and the metadata length: what must be read before the rest. */
export const FIXED_HEADER_BYTES = 4 + 1 + SALT_BYTES + PREFIX_BYTES + 1;
const INFO = new TextEncoder().encode("careflow recordings segmented-cipher v1");

/** The data cannot be opened: tampered with, truncated, reordered, or sealed with another key. */
export class SealedDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealedDataError";
  }
}

/** What a sealed file's header says, with the file key it yields. */
export interface Header {
  bytes: Uint8Array;
  prefix: Uint8Array;
  /** The file's own AES-256-GCM key (Web Crypto: several times faster than `node:crypto`). */
  key: Promise<CryptoKey>;
  metadata: Uint8Array;
}

function fileKey(masterKey: Uint8Array, salt: Uint8Array): Promise<CryptoKey> {
  if (masterKey.byteLength !== 32) throw new TypeError("the master key must be 32 bytes");
  const raw = new Uint8Array(hkdfSync("sha256", masterKey, salt, INFO, 32));
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

function nonce(prefix: Uint8Array, index: number, last: boolean): Uint8Array {
  if (index > 0xffff_ffff) throw new RangeError("too many segments for one file");
  const bytes = new Uint8Array(12);
  bytes.set(prefix, 0);
  new DataView(bytes.buffer).setUint32(PREFIX_BYTES, index);
  bytes[11] = last ? 1 : 0;
  return bytes;
}

/** Seals segment `index` (`last`: the final one). */
export async function sealSegment(
  header: Header,
  index: number,
  last: boolean,
  plain: Uint8Array,
): Promise<Uint8Array> {
  // Web Crypto's AES-GCM writes ciphertext then tag, which is this format's segment layout.
  const sealed = await crypto.subtle.encrypt(
    gcm(header, index, last),
    await header.key,
    plain as Uint8Array<ArrayBuffer>,
  );
  return new Uint8Array(sealed);
}

/** Opens segment `index`, or throws `SealedDataError`; nothing unauthenticated comes out. */
export async function openSegment(
  header: Header,
  index: number,
  last: boolean,
  sealed: Uint8Array,
): Promise<Uint8Array> {
  if (sealed.byteLength < TAG_BYTES) throw new SealedDataError(`segment ${index} is cut short`);
  const key = await header.key;
  try {
    // decrypt() checks the tag before it hands out any plaintext.
    const plain = await crypto.subtle.decrypt(
      gcm(header, index, last),
      key,
      sealed as Uint8Array<ArrayBuffer>,
    );
    return new Uint8Array(plain);
  } catch {
    throw new SealedDataError(
      `segment ${index} failed authentication (changed, reordered, truncated or another key)`,
    );
  }
}

const gcm = (header: Header, index: number, last: boolean): AesGcmParams => ({
  name: "AES-GCM",
  iv: nonce(header.prefix, index, last) as Uint8Array<ArrayBuffer>,
  additionalData: header.bytes as Uint8Array<ArrayBuffer>,
  tagLength: TAG_BYTES * 8,
});

/** A fresh header (new salt and prefix, so a new file key) carrying `metadata`. */
export function newHeader(masterKey: Uint8Array, metadata: Uint8Array): Header {
  if (metadata.byteLength > 255) throw new TypeError("metadata is limited to 255 bytes");
  const salt = randomBytes(SALT_BYTES);
  const prefix = randomBytes(PREFIX_BYTES);
  const bytes = new Uint8Array(FIXED_HEADER_BYTES + metadata.byteLength);
  bytes.set(MAGIC, 0);
  bytes[4] = VERSION;
  bytes.set(salt, 5);
  bytes.set(prefix, 5 + SALT_BYTES);
  bytes[FIXED_HEADER_BYTES - 1] = metadata.byteLength;
  bytes.set(metadata, FIXED_HEADER_BYTES);
  return { bytes, prefix, key: fileKey(masterKey, salt), metadata };
}

/**
 * The header from its first `FIXED_HEADER_BYTES` and the metadata that follows them; throws
 * `SealedDataError` for data that is not ours or of an unknown version.
 */
export function parseHeader(
  masterKey: Uint8Array,
  fixed: Uint8Array,
  metadata: Uint8Array,
): Header {
  if (fixed.byteLength < FIXED_HEADER_BYTES || MAGIC.some((byte, i) => fixed[i] !== byte)) {
    throw new SealedDataError("not a sealed recording (bad magic)");
  }
  if (fixed[4] !== VERSION) throw new SealedDataError(`unknown sealed format ${fixed[4]}`);
  if (metadata.byteLength < metadataLength(fixed)) {
    throw new SealedDataError("the header is cut short");
  }
  return {
    bytes: new Uint8Array([...fixed, ...metadata]),
    prefix: fixed.slice(5 + SALT_BYTES, 5 + SALT_BYTES + PREFIX_BYTES),
    key: fileKey(masterKey, fixed.subarray(5, 5 + SALT_BYTES)),
    metadata,
  };
}

/** How many metadata bytes follow the fixed part of a header. */
export const metadataLength = (fixed: Uint8Array): number => fixed[FIXED_HEADER_BYTES - 1] ?? 0;

/**
 * The rules both storages apply to what they are given, so a key that works on the local folder
 * also works on S3 and the other way round. Keys are made by web, never typed by users: a bad one
 * is a programming error and throws `TypeError`; a range the object cannot satisfy is a
 * `RangeError` (web answers it with 416).
 */
import type { ByteRange } from "./types.ts";

/** S3's own limit on key length (bytes; keys here are ASCII). */
const MAX_KEY_LENGTH = 1024;
/**
 * One path segment: the allowed characters, not starting with a dot. The dot rule keeps `.` and
 * `..` out and leaves the local folder a namespace of its own (`.tmp/`) that no key can reach;
 * `..` is refused anywhere, so no later path handling can ever turn a key into a way up.
 */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
const PREFIX = /^[A-Za-z0-9/_.-]*$/;

/** Throws `TypeError` unless `key` is segments of `[A-Za-z0-9_.-]` joined by single slashes. */
export function assertValidKey(key: string): void {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new TypeError(`invalid storage key (1 to ${MAX_KEY_LENGTH} characters): ${show(key)}`);
  }
  if (!key.split("/").every((segment) => SEGMENT.test(segment)) || key.includes("..")) {
    throw new TypeError(
      `invalid storage key (segments of [A-Za-z0-9_.-], not starting with "." nor holding "..", ` +
        `joined by "/"): ${show(key)}`,
    );
  }
}

/** Throws `TypeError` unless `prefix` could start a valid key (the empty prefix lists all). */
export function assertValidPrefix(prefix: string): void {
  const valid = typeof prefix === "string" && prefix.length <= MAX_KEY_LENGTH &&
    PREFIX.test(prefix) && !prefix.startsWith("/") && !prefix.includes("//") &&
    !prefix.includes("..") &&
    prefix.split("/").every((segment) => !segment.startsWith("."));
  if (!valid) throw new TypeError(`invalid storage key prefix: ${show(prefix)}`);
}

/** Printable ASCII, as a Content-Type header value must be; the local header holds 255 bytes. */
export function assertValidContentType(contentType: string): void {
  if (typeof contentType !== "string" || !/^[\x20-\x7e]{1,255}$/.test(contentType)) {
    throw new TypeError(`invalid content type: ${show(contentType)}`);
  }
}

/** A write limit must be a non-negative number of bytes (Infinity: no limit). */
export function assertValidLimit(maxBytes: number): void {
  if (typeof maxBytes !== "number" || !(maxBytes >= 0)) {
    throw new TypeError(`invalid maxBytes: ${maxBytes}`);
  }
}

/** Throws `RangeError` for a range no object could satisfy (negative, reversed, fractional). */
export function assertWellFormedRange(range: ByteRange): void {
  const { start, end } = range;
  const index = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!index(start) || (end !== undefined && (!index(end) || end < start))) {
    throw new RangeError(`invalid byte range ${start}-${end ?? ""}`);
  }
}

/**
 * The inclusive byte span `range` covers in an object of `size` bytes: an end past the last byte
 * is clamped (as HTTP does); a start at or past the end cannot be satisfied (`RangeError`).
 */
export function resolveRange(range: ByteRange, size: number): { start: number; end: number } {
  assertWellFormedRange(range);
  if (range.start >= size) {
    throw new RangeError(`range starts at ${range.start}, past the end of ${size} bytes`);
  }
  return { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) };
}

/** Refuses with `TypeError` unless the link lifetime is 1 s to 7 days (S3's limit). */
export function assertValidExpiry(expiresSeconds: number): void {
  if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > 604_800) {
    throw new TypeError(`invalid expiry (1 to 604800 whole seconds): ${expiresSeconds}`);
  }
}

const show = (value: unknown) => JSON.stringify(value)?.slice(0, 80) ?? String(value);

/** HTTP `Range` requests for media, so a player can seek (RFC 9110 §14). */
import type { ByteRange } from "../recordings/storage/types.ts";

/**
 * The one byte range a `Range` header asks for, or null for the whole object: absent, not bytes,
 * several ranges (served whole, as the RFC allows), or malformed. A suffix range (`bytes=-500`)
 * needs the size, so it comes back as `suffix`.
 */
export function parseRange(header: string | undefined): ByteRange | { suffix: number } | null {
  if (!header) return null;
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  if (match[1] === "") return { suffix: Number(match[2]) };
  const start = Number(match[1]);
  const end = match[2] === "" ? undefined : Number(match[2]);
  if (end !== undefined && end < start) return null;
  return { start, end };
}

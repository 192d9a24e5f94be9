/**
 * Turns an event frame (`text/event-plain` or `text/event-json`) into an {@link EslEvent}. Input
 * from the socket is never trusted: a body that does not decode gives null (the caller counts and
 * warns), never an exception.
 */
import { z } from "zod";
import type { EslEvent } from "./event.ts";
import type { EslFrame } from "./frame-parser.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const utf8Lenient = new TextDecoder("utf-8");
const latin1 = new TextDecoder("latin1");

// FreeSWITCH's JSON events are flat objects of strings, except array variables (`DP_MATCH`),
// which plain frames spell `ARRAY::a|:b`; they get that spelling here too, so both formats give
// the same event. Numbers and booleans are taken as text; anything else is dropped.
const jsonEventSchema = z.record(z.string(), z.unknown());
const nameSchema = z.string().min(1).max(128);

/** The event in `frame`, or null when the frame is not an event or its body is unusable. */
export function decodeEventFrame(frame: EslFrame): EslEvent | null {
  const type = frame.headers["Content-Type"];
  if (!frame.body) return null;
  if (type === "text/event-plain") return decodePlain(frame.body);
  if (type === "text/event-json") return decodeJson(frame.body);
  return null;
}

function decodePlain(body: Uint8Array): EslEvent | null {
  const blank = indexOfBlankLine(body);
  const headText = latin1.decode(body.subarray(0, blank < 0 ? body.length : blank));
  const headers: Record<string, string> = {};
  for (const line of headText.split("\n")) {
    const colon = line.indexOf(": ");
    if (colon <= 0) continue; // a stray line costs itself, not the event
    headers[line.slice(0, colon)] = percentDecode(line.slice(colon + 2));
  }
  // An event's own body (BACKGROUND_JOB output) follows its headers after an inner blank line.
  let own: string | null = null;
  const length = Number(headers["Content-Length"]);
  if (blank >= 0 && Number.isInteger(length) && length > 0) {
    own = utf8Lenient.decode(body.subarray(blank + 2, blank + 2 + length));
  }
  return toEvent(headers, own);
}

function decodeJson(body: Uint8Array): EslEvent | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8Lenient.decode(body));
  } catch {
    return null;
  }
  const object = jsonEventSchema.safeParse(parsed);
  if (!object.success) return null;
  const headers: Record<string, string> = {};
  let own: string | null = null;
  for (const [key, value] of Object.entries(object.data)) {
    if (key === "_body") {
      if (typeof value === "string") own = value;
    } else if (typeof value === "string") {
      headers[key] = value;
    } else if (typeof value === "number" || typeof value === "boolean") {
      headers[key] = String(value);
    } else if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
      headers[key] = `ARRAY::${value.join("|:")}`;
    }
  }
  return toEvent(headers, own);
}

function toEvent(headers: Record<string, string>, body: string | null): EslEvent | null {
  const name = nameSchema.safeParse(headers["Event-Name"]);
  if (!name.success) return null;
  const subclass = headers["Event-Subclass"];
  return { name: name.data, subclass: subclass || null, headers, body };
}

/**
 * URL-decodes a plain header value. `%XX` sequences become bytes, read as UTF-8 when they are
 * UTF-8 and as Latin-1 otherwise (a phone sending `José` in Latin-1 arrives as `Jos%E9`); a `%`
 * that starts no escape is kept as it is. Never throws, unlike `decodeURIComponent`.
 */
export function percentDecode(value: string): string {
  if (!value.includes("%")) return value;
  const bytes: number[] = [];
  // `value` came from a Latin-1 reading of the wire, so each character is one byte.
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) === 0x25 && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(value.charCodeAt(i) & 0xff);
    }
  }
  const raw = Uint8Array.from(bytes);
  try {
    return utf8.decode(raw);
  } catch {
    return latin1.decode(raw);
  }
}

function indexOfBlankLine(bytes: Uint8Array): number {
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0x0a && bytes[i + 1] === 0x0a) return i;
  }
  return -1;
}

/**
 * HMAC request signing between web and agent, in both directions (provisioning pushes, cache-miss
 * fetches, event delivery). Only `node:crypto` is used so the same file runs in Deno and in Bun.
 *
 * The signature covers the timestamp, a random nonce, the method, the path with its query and the
 * raw body, so a captured request cannot be re-aimed at another path or replayed with another body.
 * Replays of the identical request inside the time window are the caller's job: remember each
 * nonce for `maxAgeSeconds` (the agent uses Redis `SET nonce NX EX 300`).
 */
import { Buffer } from "node:buffer";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Header carrying the signing time in unix seconds. */
export const TIMESTAMP_HEADER = "x-careflow-timestamp";
/** Header carrying a random, single-use value. */
export const NONCE_HEADER = "x-careflow-nonce";
/** Header carrying the hex HMAC-SHA256 signature. */
export const SIGNATURE_HEADER = "x-careflow-signature";
/**
 * Header carrying the hex SHA-256 of a streamed body. A request too large to read before
 * verifying (recording audio) is signed over this hash instead of its body, and the receiver
 * checks the hash while it stores the stream.
 */
export const CONTENT_HASH_HEADER = "x-careflow-content-sha256";
/** Default accepted clock distance between signer and verifier. */
export const DEFAULT_MAX_AGE_SECONDS = 300;

// Nonces end up as Redis keys on the verifying side: keep them short and boring.
const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
const TIMESTAMP_PATTERN = /^\d{1,12}$/;

/** What to sign: the request exactly as the receiver will see it. */
export interface SignInput {
  secret: string;
  /** HTTP method; upper-cased before signing. */
  method: string;
  /** Path with its query string, e.g. `/internal/subscribers/care4w-1000001?x=1`. */
  path: string;
  /** Raw body text; `""` for requests without one. */
  body: string;
  /** Clock in unix seconds (tests pass a fixed one). */
  now?: number;
  /** Nonce to use (tests only); a random one otherwise. */
  nonce?: string;
}

/** Header lookup that accepts a Fetch `Headers` object or a plain record. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Record<string, string | undefined>;

/** What to verify. `headers` are the received request headers. */
export interface VerifyInput {
  secret: string;
  method: string;
  path: string;
  body: string;
  headers: HeaderSource;
  now?: number;
  maxAgeSeconds?: number;
}

/** Outcome of a verification; `reason` is safe to log (it never contains secret material). */
export type VerifyResult = { ok: true; nonce: string } | { ok: false; reason: string };

/** The exact byte string that is signed. Exported so other languages or tools can match it. */
export function canonicalString(
  timestamp: string,
  nonce: string,
  method: string,
  path: string,
  body: string,
): string {
  return `${timestamp}\n${nonce}\n${method.toUpperCase()}\n${path}\n${body}`;
}

function hmacHex(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload, "utf8").digest("hex");
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** Signs a request; returns the three headers to add to it. */
export function signRequest(input: SignInput): Record<string, string> {
  const timestamp = String(Math.floor(input.now ?? unixNow()));
  const nonce = input.nonce ?? randomBytes(18).toString("base64url");
  if (!NONCE_PATTERN.test(nonce)) throw new TypeError("nonce must be 16-128 url-safe characters");
  const signature = hmacHex(
    input.secret,
    canonicalString(timestamp, nonce, input.method, input.path, input.body),
  );
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: signature,
  };
}

function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === "function") {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | undefined>;
  return record[name] ?? record[name.toLowerCase()];
}

/**
 * Verifies a signed request: header presence and format, clock distance (both directions), and
 * the signature with a constant-time comparison. Does not remember nonces (see module comment).
 */
export function verifyRequest(input: VerifyInput): VerifyResult {
  const timestamp = readHeader(input.headers, TIMESTAMP_HEADER);
  const nonce = readHeader(input.headers, NONCE_HEADER);
  const signature = readHeader(input.headers, SIGNATURE_HEADER);
  if (!timestamp || !nonce || !signature) return { ok: false, reason: "missing signature headers" };
  if (!TIMESTAMP_PATTERN.test(timestamp)) return { ok: false, reason: "malformed timestamp" };
  if (!NONCE_PATTERN.test(nonce)) return { ok: false, reason: "malformed nonce" };
  const given = signature.toLowerCase();
  if (!SIGNATURE_PATTERN.test(given)) return { ok: false, reason: "malformed signature" };

  const maxAge = input.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  const now = Math.floor(input.now ?? unixNow());
  // A clock ahead of ours is as suspicious as an old request: both widen the replay window.
  if (Math.abs(now - Number(timestamp)) > maxAge) return { ok: false, reason: "stale timestamp" };

  const expected = hmacHex(
    input.secret,
    canonicalString(timestamp, nonce, input.method, input.path, input.body),
  );
  // Both are 64 hex characters here, so the lengths match and the comparison is constant-time.
  const same = timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(given, "hex"));
  return same ? { ok: true, nonce } : { ok: false, reason: "bad signature" };
}

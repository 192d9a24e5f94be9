/**
 * SIP credentials. Browsers get short-lived ones in the TURN REST convention: the username is
 * `<expiry>:<care4wId>` and the password is base64 HMAC-SHA1 of that username with a secret shared
 * by web and agent, so the agent can recompute the password without storing anything and nothing
 * long-lived reaches a browser. SIP phones use a long-lived password whose HA1 digest the agent
 * keeps. Only `node:crypto` is used so the file runs in Deno and in Bun.
 */
import { createHash, createHmac } from "node:crypto";
import { isCare4wId } from "./care4w-id.ts";

/** Short-lived SIP credentials for one user. */
export interface EphemeralSipCredentials {
  /** `<expiry unix seconds>:<care4wId>`: the digest username (the SIP URIs carry the plain ID). */
  username: string;
  password: string;
  /** Unix seconds after which the agent refuses the username. */
  expiresAt: number;
}

/** What an ephemeral username stands for, once checked. */
export interface ParsedEphemeralUsername {
  care4wId: string;
  /** The password the browser was given, recomputed. */
  password: string;
  expiresAt: number;
}

// Expiry first, then the ID; twelve digits of seconds are enough for any realistic clock.
const EPHEMERAL_PATTERN = /^(\d{1,12}):(.+)$/;

function ephemeralPassword(secret: string, username: string): string {
  return createHmac("sha1", secret).update(username, "utf8").digest("base64");
}

/** Issues credentials for `care4wId` valid for `ttlSeconds` from `nowSeconds`. */
export function ephemeralSipCredentials(
  secret: string,
  care4wId: string,
  ttlSeconds: number,
  nowSeconds: number,
): EphemeralSipCredentials {
  if (!isCare4wId(care4wId)) throw new TypeError("not a CareFlow ID");
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError("ttlSeconds must be a positive integer");
  }
  const expiresAt = Math.floor(nowSeconds) + ttlSeconds;
  const username = `${expiresAt}:${care4wId}`;
  return { username, password: ephemeralPassword(secret, username), expiresAt };
}

/**
 * Reads an ephemeral username. Returns null when it is not of the form `<expiry>:<care4wId>`,
 * when the ID is not canonical, or when it has expired at `nowSeconds`. The password returned is
 * what the holder must prove to know (Kamailio checks it through the digest).
 */
export function parseEphemeralUsername(
  secret: string,
  username: string,
  nowSeconds: number,
): ParsedEphemeralUsername | null {
  const match = EPHEMERAL_PATTERN.exec(username);
  if (!match) return null;
  const expiresAt = Number(match[1]);
  const care4wId = match[2];
  if (!isCare4wId(care4wId)) return null;
  if (expiresAt <= nowSeconds) return null;
  return { care4wId, password: ephemeralPassword(secret, username), expiresAt };
}

/** Digest HA1: hex md5 of `username:realm:password` (RFC 2617 / RFC 8760 with MD5). */
export function digestHa1(username: string, realm: string, password: string): string {
  return createHash("md5").update(`${username}:${realm}:${password}`, "utf8").digest("hex");
}

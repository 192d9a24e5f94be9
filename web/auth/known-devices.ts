/**
 * Known devices, OWASP's "device cookie": after a correct password the browser gets a signed
 * token saying "this device signed in as this account". A later sign-in for that account with
 * the token is throttled on its own (per device) instead of with everyone guessing the account's
 * password, so an attacker guessing from elsewhere never locks the owner out on their own device.
 * The token names no email (the signature binds it), holds a random device id and when it was
 * issued, and is refused once older than `days`. A browser keeps tokens for a few accounts
 * (shared workstations), newest first.
 */

/** The cookie (HttpOnly, SameSite=Strict): sent to the API and the plain sign-in form alike. */
export const DEVICE_COOKIE = "cf_device";
/** Accounts one browser is remembered for; the oldest token beyond is dropped. */
const MAX_TOKENS = 5;
const TOKEN = /^([0-9a-f]{32})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{43})$/;

export interface KnownDevices {
  /** The device id `cookie` proves for `email` (signed for it, not expired), else null. */
  recognise(cookie: string | undefined, email: string): Promise<string | null>;
  /**
   * The cookie after `email` signed in: a fresh token for it first, then the others still valid
   * (`known`, the token it came with, is replaced).
   */
  issue(cookie: string | undefined, email: string, known: string | null): Promise<string>;
  /** How long the browser keeps the cookie. */
  maxAgeSeconds: number;
}

/**
 * Tokens signed with HMAC-SHA-256 under `secret`; without one, a random secret of this process
 * (tokens then stop counting on restart, and are known to this instance only).
 */
export function createKnownDevices(
  options: { secret: string | undefined; days: number },
  now: () => Date = () => new Date(),
): KnownDevices {
  const secret = options.secret === undefined
    ? crypto.getRandomValues(new Uint8Array(32))
    : new TextEncoder().encode(options.secret);
  const key = crypto.subtle.importKey(
    "raw",
    secret,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const maxAgeSeconds = options.days * 86_400;
  const nowSeconds = () => Math.floor(now().getTime() / 1000);
  const signed = (email: string, id: string, issued: string) =>
    new TextEncoder().encode(`cf_device/1\n${normal(email)}\n${id}\n${issued}`);
  const fresh = (issued: string) => nowSeconds() - parseInt(issued, 36) < maxAgeSeconds;
  /** The tokens of `cookie` that are well formed and not expired, whoever they are for. */
  const tokens = (cookie: string | undefined) =>
    (cookie ?? "").split("~").map((token) => TOKEN.exec(token)).filter((m) =>
      m !== null && fresh(m[2])
    ) as RegExpExecArray[];
  return {
    maxAgeSeconds,
    async recognise(cookie, email) {
      for (const [, id, issued, mac] of tokens(cookie)) {
        const ok = await crypto.subtle.verify(
          "HMAC",
          await key,
          fromBase64Url(mac),
          signed(email, id, issued),
        );
        if (ok) return id;
      }
      return null;
    },
    async issue(cookie, email, known) {
      const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), hex).join("");
      const issued = nowSeconds().toString(36);
      const mac = new Uint8Array(
        await crypto.subtle.sign("HMAC", await key, signed(email, id, issued)),
      );
      const others = tokens(cookie).filter((m) => m[1] !== known).map((m) => m[0]);
      return [`${id}.${issued}.${toBase64Url(mac)}`, ...others].slice(0, MAX_TOKENS).join("~");
    },
  };
}

const normal = (email: string) => email.trim().toLowerCase();
const hex = (byte: number) => byte.toString(16).padStart(2, "0");

function toBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(
    atob(text.replace(/-/g, "+").replace(/_/g, "/")),
    (ch) => ch.charCodeAt(0),
  );
}

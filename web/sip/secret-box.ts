/**
 * AES-256-GCM "secret box" for SIP phone passwords at rest (Web Crypto, so it runs on any edge
 * runtime). Sealed values are text: `v1.<base64 iv>.<base64 ciphertext+tag>`. The version prefix
 * lets a later key or algorithm change read old values; a fresh random 12-byte IV per seal keeps
 * GCM safe. The caller's context (the user id) is bound as additional data, so a ciphertext copied
 * onto another user's row does not decrypt.
 */
import { encodeBase64 } from "../http/base64.ts";

const VERSION = "v1";
const IV_BYTES = 12;

/** Encrypts and decrypts short secrets with one key. */
export interface SecretBox {
  seal(plaintext: string, context: string): Promise<string>;
  /** Throws `SecretBoxError` for a malformed value, another key, or another context. */
  open(sealed: string, context: string): Promise<string>;
}

/** A sealed value that cannot be opened; never carries the value itself. */
export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

/** Builds a box from a 32-byte key; the CryptoKey is imported once, on first use. */
export function createSecretBox(keyBytes: Uint8Array): SecretBox {
  if (keyBytes.length !== 32) throw new RangeError("the key must be 32 bytes");
  const raw = Uint8Array.from(keyBytes);
  let key: Promise<CryptoKey> | null = null;
  const cryptoKey = () =>
    key ??= crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  const aad = (context: string) => new TextEncoder().encode(context);

  return {
    async seal(plaintext, context) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const data = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: aad(context) },
        await cryptoKey(),
        new TextEncoder().encode(plaintext),
      );
      return `${VERSION}.${encodeBase64(iv)}.${encodeBase64(new Uint8Array(data))}`;
    },
    async open(sealed, context) {
      const [version, ivText, dataText, ...rest] = sealed.split(".");
      if (version !== VERSION || !ivText || !dataText || rest.length > 0) {
        throw new SecretBoxError("unknown sealed format");
      }
      let iv: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>;
      try {
        iv = decodeBase64(ivText);
        data = decodeBase64(dataText);
      } catch {
        throw new SecretBoxError("sealed value is not base64");
      }
      if (iv.length !== IV_BYTES) throw new SecretBoxError("bad IV length");
      try {
        const plain = await crypto.subtle.decrypt(
          { name: "AES-GCM", iv, additionalData: aad(context) },
          await cryptoKey(),
          data,
        );
        return new TextDecoder().decode(plain);
      } catch {
        throw new SecretBoxError("sealed value does not decrypt with this key and context");
      }
    },
  };
}

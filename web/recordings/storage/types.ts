/**
 * Where recording audio lives: one interface, two implementations behind one contract suite
 * (`testing/contract.ts`): a local folder under DATA_DIR, encrypted with AES-256-GCM (the embedded
 * default), and S3-compatible object storage (Backblaze B2 or any S3) with server-side encryption.
 * Everything streams: no object is ever held in memory whole.
 */

/** Bytes `start` to `end`, both inclusive (HTTP Range semantics); `end` defaults to the last. */
export interface ByteRange {
  start: number;
  end?: number;
}

/** An object as read back. */
export interface StoredAudio {
  body: ReadableStream<Uint8Array>;
  /** Size of the whole object, in bytes. */
  size: number;
  contentType: string;
}

/** Raised when a write would go over its byte limit; nothing is kept of it. */
export class StorageLimitError extends Error {
  constructor(readonly limit: number) {
    super(`the object is larger than ${limit} bytes`);
    this.name = "StorageLimitError";
  }
}

export interface RecordingStorage {
  /** Which implementation (for logs and the health page). */
  readonly kind: "local" | "s3";
  /**
   * Writes `body` under `key`, replacing any object there. Rejects with `StorageLimitError` (and
   * keeps nothing) once more than `maxBytes` arrive. Resolves with the size written.
   */
  put(
    key: string,
    body: ReadableStream<Uint8Array>,
    options: { contentType: string; maxBytes: number },
  ): Promise<{ size: number }>;
  /** The object, or only `range` of it; null when there is no such object. */
  get(key: string, range?: ByteRange): Promise<StoredAudio | null>;
  /** Size and type without the body; null when absent. */
  stat(key: string): Promise<{ size: number; contentType: string } | null>;
  /** Keys under `prefix`, sorted (for chunked uploads: the parts of one recording). */
  list(prefix: string): Promise<string[]>;
  /** Removes the object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /**
   * A URL the browser may fetch the object from directly for `expiresSeconds` (S3 presigned), or
   * null when the storage can only be read through web (the local folder).
   */
  signedUrl(key: string, expiresSeconds: number): Promise<string | null>;
}

/**
 * Where a transcode goes: the shared object store (S3/B2, the object web will find by the
 * event's `objectKey`), or web itself (`PUT /internal/recordings/:id`, signed over the file's
 * SHA-256, streamed). Both read the file as a stream; neither holds a recording in memory.
 */
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createReadStream } from "node:fs";
import type { ObjectStoreSettings } from "../../../shared/object-store.ts";
import { CONTENT_HASH_HEADER, signRequest } from "../../../shared/signing.ts";

/** Content types web serves each format with (`web/recordings/sniff.ts`). */
export const CONTENT_TYPES = { ogg: "audio/ogg", mp3: "audio/mpeg" } as const;

/** An upload that failed; `permanent` when sending it again cannot help. */
export class UploadError extends Error {
  override name = "UploadError";
  constructor(message: string, readonly permanent = false) {
    super(message);
  }
}

/** Puts files into the object store. */
export interface ObjectUploader {
  put(
    key: string,
    file: { path: string; bytes: number; format: keyof typeof CONTENT_TYPES },
    signal?: AbortSignal,
  ): Promise<void>;
  close(): void;
}

const quiet = () => {};

/** An S3 client as web builds its own: no optional checksums (B2 and others refuse them). */
export function createS3Client(settings: ObjectStoreSettings): S3Client {
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: {
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
    },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 1, // the job queue retries, with its own backoff and metrics
    // The SDK would print its own line per failed streamed upload; the queue warns already.
    logger: { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
}

/**
 * Uploads with one PutObject per file (a recording is far below S3's 5 GB single-put limit, and
 * its length is known), streamed from disk, asking for server-side encryption as web does.
 */
export function createS3Uploader(
  settings: ObjectStoreSettings,
  client: S3Client = createS3Client(settings),
): ObjectUploader {
  return {
    async put(key, file, signal) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: settings.bucket,
            Key: key,
            Body: createReadStream(file.path),
            ContentLength: file.bytes,
            ContentType: CONTENT_TYPES[file.format],
            ServerSideEncryption: "AES256",
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        // The SDK's name and status only: its messages may carry request details.
        const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        const status = e.$metadata?.httpStatusCode;
        throw new UploadError(
          `object store refused the upload: ${e.name ?? "error"} ${status ?? ""}`,
        );
      }
    },
    close: () => client.destroy(),
  };
}

/** Streams audio to web. */
export interface WebUploader {
  /** Resolves once web holds the audio (204), or already held it (409). */
  put(
    eventId: string,
    file: { path: string; bytes: number; sha256: string; format: keyof typeof CONTENT_TYPES },
    signal?: AbortSignal,
  ): Promise<void>;
}

/** Signed streamed PUTs to `${webUrl}/internal/recordings/:eventId`. */
export function createWebUploader(options: {
  webUrl: string;
  secret: string;
  fetch?: typeof fetch;
}): WebUploader {
  const doFetch = options.fetch ?? fetch;
  return {
    async put(eventId, file, signal) {
      const path = `/internal/recordings/${encodeURIComponent(eventId)}`;
      let response: Response;
      try {
        response = await doFetch(`${options.webUrl}${path}`, {
          method: "PUT",
          headers: {
            // Signed over the hash, not the body: web checks the stream against it as it stores.
            ...signRequest({ secret: options.secret, method: "PUT", path, body: file.sha256 }),
            [CONTENT_HASH_HEADER]: file.sha256,
            "content-type": CONTENT_TYPES[file.format],
            "content-length": String(file.bytes),
          },
          // A file body is streamed from disk by the runtime, never read into memory first.
          body: Bun.file(file.path),
          signal,
        });
      } catch (error) {
        throw new UploadError(`web unreachable: ${(error as Error).name}`);
      }
      await response.body?.cancel();
      // 409: an earlier attempt (before a restart) got the audio there; that is success.
      if (response.status === 204 || response.status === 409) return;
      // 413: too large to ever be taken; 400/401 may be a clock or hash mismatch: try again.
      throw new UploadError(`web answered ${response.status}`, response.status === 413);
    },
  };
}

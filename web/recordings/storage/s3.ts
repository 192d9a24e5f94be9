/**
 * Recording storage in S3-compatible object storage: Backblaze B2 (the seed's), or any S3. Uploads
 * stream as a multipart upload (the length of a recording is not known up front), so at most a
 * couple of parts are in memory; server-side encryption is asked for on every write.
 *
 * Checksums are sent only where S3 requires them: current SDKs otherwise add CRC32 headers and
 * `x-amz-sdk-checksum-algorithm`, which Backblaze B2 and other S3-compatible services refuse.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import {
  assertValidContentType,
  assertValidExpiry,
  assertValidKey,
  assertValidLimit,
  assertValidPrefix,
  assertWellFormedRange,
} from "./keys.ts";
import { contentTypeOf, isMissing, isUnsatisfiable, rangedAudio } from "./s3-responses.ts";
import { countedBody } from "./streams.ts";
import type { RecordingStorage } from "./types.ts";

/** Where the bucket is and how to reach it. */
export interface S3StorageOptions {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Bucket in the path rather than the host name (local servers, some providers). */
  forcePathStyle?: boolean;
  /** Asked for on every write; `false` for a service that refuses the header. Default AES256. */
  serverSideEncryption?: "AES256" | false;
  /** Bytes per uploaded part (S3's minimum, 5 MiB, by default): the memory one part takes. */
  partBytes?: number;
  /** Parts uploaded at once (default 2): memory is about `partBytes` times this, plus one. */
  parallelParts?: number;
  /** Keys per ListObjectsV2 page (S3's maximum, 1000, by default; tests page with fewer). */
  listPageSize?: number;
}

/** S3 storage, and the release of its connections. */
export type S3Storage = RecordingStorage & {
  /** Closes idle connections (tests; a server keeps its storage for its whole life). */
  close(): void;
};

const MiB = 1024 * 1024;

/** Recording storage in `bucket`. */
export function createS3Storage(options: S3StorageOptions): S3Storage {
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    forcePathStyle: options.forcePathStyle ?? false,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = options.bucket;
  const sse = options.serverSideEncryption ?? "AES256";
  const partSize = Math.max(options.partBytes ?? 5 * MiB, 5 * MiB);

  return {
    kind: "s3",
    async put(Key, body, { contentType, maxBytes }) {
      assertValidKey(Key);
      assertValidContentType(contentType);
      assertValidLimit(maxBytes);
      const counted = countedBody(body, maxBytes);
      const upload = new Upload({
        client,
        params: {
          Bucket,
          Key,
          Body: counted.stream,
          ContentType: contentType,
          ...(sse ? { ServerSideEncryption: sse } : {}),
        },
        partSize,
        queueSize: options.parallelParts ?? 2,
        // On any failure, including the limit, the multipart upload is aborted: S3 shows an object
        // only once it is complete, so the previous object (if any) stays and nothing new appears.
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (error) {
        // A failed request leaves the source half read: cancel it so the sender stops too.
        await counted.stream.cancel(error).catch(() => {});
        throw counted.failure() ?? error;
      }
      return { size: counted.bytes() };
    },
    async get(Key, range) {
      if (range) assertWellFormedRange(range);
      assertValidKey(Key);
      const Range = range ? `bytes=${range.start}-${range.end ?? ""}` : undefined;
      let out;
      try {
        out = await client.send(new GetObjectCommand({ Bucket, Key, Range }));
      } catch (error) {
        if (isMissing(error)) return null;
        if (isUnsatisfiable(error)) throw new RangeError(`${Range} starts past the end of ${Key}`);
        throw error;
      }
      if (range) return await rangedAudio(out, range);
      return {
        body: out.Body!.transformToWebStream() as ReadableStream<Uint8Array>,
        size: out.ContentLength ?? 0,
        contentType: contentTypeOf(out),
      };
    },
    async stat(Key) {
      assertValidKey(Key);
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket, Key }));
        return {
          size: out.ContentLength ?? 0,
          contentType: contentTypeOf(out),
        };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async list(Prefix) {
      assertValidPrefix(Prefix);
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket,
            Prefix,
            ContinuationToken,
            MaxKeys: options.listPageSize ?? 1000,
          }),
        );
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      // S3 lists in byte order already; sorting again costs little and holds any provider to it.
      return keys.sort();
    },
    async delete(Key) {
      assertValidKey(Key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key }));
      } catch (error) {
        if (!isMissing(error)) throw error; // S3 answers 204 either way; some services 404
      }
    },
    async signedUrl(Key, expiresSeconds) {
      assertValidKey(Key);
      assertValidExpiry(expiresSeconds);
      return await getSignedUrl(client, new GetObjectCommand({ Bucket, Key }), {
        expiresIn: expiresSeconds,
      });
    },
    close: () => client.destroy(),
  };
}

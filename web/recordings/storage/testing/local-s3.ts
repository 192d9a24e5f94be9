/** How S3 clients in tests and benchmarks reach a local S3 (s3rver): path-style, any region. */
import type { LocalS3 } from "../../../../testing/s3.ts";

/** Object-store settings for the local S3's own bucket, reached directly. */
export function localS3Settings(s3: LocalS3) {
  return {
    endpoint: s3.endpoint,
    region: "us-east-1",
    bucket: s3.bucket,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
  };
}

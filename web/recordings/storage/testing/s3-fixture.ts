/** s3rver behind the signature-checking proxy, and S3 storages on fresh buckets of it. */
import { type LocalS3, startLocalS3 } from "../../../../testing/s3.ts";
import { createS3Storage, type S3Storage, type S3StorageOptions } from "../s3.ts";
import { localS3Settings } from "./local-s3.ts";
import { type SigningProxy, startSigningProxy } from "./signing-proxy.ts";

/** A B2-style region, so a test can tell it was the configured one that was signed. */
export const REGION = "eu-central-003";

/** A local S3 whose every request has its signature checked. */
export interface CheckedS3 {
  s3: LocalS3;
  proxy: SigningProxy;
}

/** Starts s3rver and the proxy in front of it. */
export async function startCheckedS3(): Promise<CheckedS3> {
  const s3 = await startLocalS3();
  try {
    const proxy = await startSigningProxy(s3.endpoint, { [s3.accessKeyId]: s3.secretAccessKey });
    return { s3, proxy };
  } catch (error) {
    await s3.stop();
    throw error;
  }
}

/** Stops both. */
export async function stopCheckedS3({ s3, proxy }: CheckedS3): Promise<void> {
  await proxy.stop();
  await s3.stop();
}

let buckets = 0;

/** S3 storage on a new bucket, reached through the proxy; `overrides` change its settings. */
export async function checkedStorage(
  { s3, proxy }: CheckedS3,
  overrides: Partial<S3StorageOptions> = {},
): Promise<S3Storage> {
  const bucket = `test-${Date.now().toString(36)}-${++buckets}`;
  await s3.createBucket(bucket);
  return createS3Storage({
    ...localS3Settings(s3),
    endpoint: proxy.endpoint,
    region: REGION,
    bucket,
    ...overrides,
  });
}

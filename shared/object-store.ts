/**
 * The S3-compatible object store web and agent share (the seed's Backblaze B2, or any S3): one set
 * of variables, read the same way on both sides, so the agent writes where web reads.
 */
import { z } from "zod";

/** The seed's Backblaze B2 names, or plain S3 ones (same meaning); one group or none. */
export const OBJECT_STORE_GROUPS = [
  [
    "BACKBLAZE_ENDPOINT",
    "BACKBLAZE_REGION",
    "BACKBLAZE_BUCKET_NAME",
    "BACKBLAZE_KEY_ID",
    "BACKBLAZE_APPLICATION_KEY",
  ],
  ["S3_ENDPOINT", "S3_REGION", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"],
] as const;

const bucket = z.string().trim().regex(/^[a-z0-9][a-z0-9.-]{1,62}$/);
const region = z.string().trim().min(1).max(64);
const keyId = z.string().trim().min(1).max(256);
const secret = z.string().min(1).max(512);
const endpoint = z.url({ protocol: /^https?$/ });

/** The variables, to merge into a process's one environment schema. */
export const objectStoreEnv = {
  BACKBLAZE_ENDPOINT: endpoint.optional(),
  BACKBLAZE_REGION: region.optional(),
  BACKBLAZE_BUCKET_NAME: bucket.optional(),
  BACKBLAZE_KEY_ID: keyId.optional(),
  BACKBLAZE_APPLICATION_KEY: secret.optional(),
  S3_ENDPOINT: endpoint.optional(),
  S3_REGION: region.optional(),
  S3_BUCKET: bucket.optional(),
  S3_ACCESS_KEY_ID: keyId.optional(),
  S3_SECRET_ACCESS_KEY: secret.optional(),
  /** Path-style URLs (bucket in the path): local S3 servers and some providers need them. */
  S3_FORCE_PATH_STYLE: z.enum(["true", "false", "1", "0", "yes", "no"])
    .transform((value) => value === "true" || value === "1" || value === "yes")
    .default(false),
};

/** Where and as whom to reach the object store. */
export interface ObjectStoreSettings {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** Rules across the variables (for `readEnv`'s `related`): one group, and all of it. */
export function objectStoreIssues(env: Record<string, string>): string[] {
  const issues: string[] = [];
  const used = OBJECT_STORE_GROUPS.filter((group) => group.some((name) => env[name] !== undefined));
  if (used.length > 1) {
    issues.push("S3_ENDPOINT: set the BACKBLAZE_* or the S3_* variables, not both");
  }
  for (const group of used) {
    for (const name of group.filter((name) => env[name] === undefined)) {
      issues.push(`${name}: is required when ${group[0].split("_")[0]}_* storage is configured`);
    }
  }
  return issues;
}

type Env = z.output<z.ZodObject<typeof objectStoreEnv>>;

/** The settings from validated variables, or null when no object store is configured. */
export function objectStoreSettings(e: Env): ObjectStoreSettings | null {
  const forcePathStyle = e.S3_FORCE_PATH_STYLE;
  if (
    e.BACKBLAZE_ENDPOINT && e.BACKBLAZE_REGION && e.BACKBLAZE_BUCKET_NAME && e.BACKBLAZE_KEY_ID &&
    e.BACKBLAZE_APPLICATION_KEY
  ) {
    return {
      endpoint: e.BACKBLAZE_ENDPOINT,
      region: e.BACKBLAZE_REGION,
      bucket: e.BACKBLAZE_BUCKET_NAME,
      accessKeyId: e.BACKBLAZE_KEY_ID,
      secretAccessKey: e.BACKBLAZE_APPLICATION_KEY,
      forcePathStyle,
    };
  }
  if (e.S3_ENDPOINT && e.S3_REGION && e.S3_BUCKET && e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY) {
    return {
      endpoint: e.S3_ENDPOINT,
      region: e.S3_REGION,
      bucket: e.S3_BUCKET,
      accessKeyId: e.S3_ACCESS_KEY_ID,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY,
      forcePathStyle,
    };
  }
  return null;
}

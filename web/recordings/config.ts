/**
 * The recordings part of web's configuration: where audio is stored and how long it is kept.
 * `config.ts` reads the environment; this module only says what these variables mean.
 */
import { z } from "zod";
import { aesKey, flag } from "../config-rules.ts";

/** S3-compatible storage: the seed's Backblaze B2 names, or plain S3 ones (same meaning). */
const S3_GROUPS = [
  [
    "BACKBLAZE_ENDPOINT",
    "BACKBLAZE_REGION",
    "BACKBLAZE_BUCKET_NAME",
    "BACKBLAZE_KEY_ID",
    "BACKBLAZE_APPLICATION_KEY",
  ],
  ["S3_ENDPOINT", "S3_REGION", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"],
] as const;

const days = (max: number, fallback: number) =>
  z.coerce.number().int().min(0).max(max).default(fallback);

/** The variables, merged into web's one schema. */
export const recordingsEnv = {
  RECORDINGS_KEY: aesKey.optional(),
  BACKBLAZE_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  BACKBLAZE_REGION: z.string().trim().min(1).max(64).optional(),
  BACKBLAZE_BUCKET_NAME: z.string().trim().regex(/^[a-z0-9][a-z0-9.-]{1,62}$/).optional(),
  BACKBLAZE_KEY_ID: z.string().trim().min(1).max(256).optional(),
  BACKBLAZE_APPLICATION_KEY: z.string().min(1).max(512).optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_REGION: z.string().trim().min(1).max(64).optional(),
  S3_BUCKET: z.string().trim().regex(/^[a-z0-9][a-z0-9.-]{1,62}$/).optional(),
  S3_ACCESS_KEY_ID: z.string().trim().min(1).max(256).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).max(512).optional(),
  /** Path-style URLs (bucket in the path): local S3 servers and some providers need them. */
  S3_FORCE_PATH_STYLE: flag.default(false),
  RECORDING_QUOTA_MB: z.coerce.number().int().min(1).max(10_000_000).default(1024),
  RECORDING_DELETE_GRACE_DAYS: days(365, 7),
  RECORDING_ARCHIVE_DAYS: days(36_500, 365),
  RETENTION_DAYS_MIN: days(36_500, 1),
  RETENTION_DAYS_MAX: days(36_500, 3650),
  /** Whether an admin may also play (not only audit) other people's recordings. */
  ADMIN_PLAYS_RECORDINGS: flag.default(false),
};

const recordingsSchema = z.object(recordingsEnv);
type Env = z.output<typeof recordingsSchema>;

/** Where recordings go and how long they stay. */
export interface RecordingsConfig {
  /** AES key of the local folder; absent: read or created in DATA_DIR at start-up. */
  key: Uint8Array | undefined;
  /** S3-compatible storage; absent: the local folder. */
  s3:
    | {
      endpoint: string;
      region: string;
      bucket: string;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
    }
    | undefined;
  quotaBytes: number;
  deleteGraceDays: number;
  archiveDays: number;
  /** Bounds an owner's retentionDays must stay within. */
  retention: { minDays: number; maxDays: number };
  adminPlays: boolean;
}

/** Rules across variables: an S3 group is all or nothing, retention bounds in order. */
export function recordingsIssues(env: Record<string, string>): string[] {
  const issues: string[] = [];
  const used = S3_GROUPS.filter((group) => group.some((name) => env[name] !== undefined));
  if (used.length > 1) {
    issues.push("S3_ENDPOINT: set the BACKBLAZE_* or the S3_* variables, not both");
  }
  for (const group of used) {
    for (const name of group.filter((name) => env[name] === undefined)) {
      issues.push(`${name}: is required when ${group[0].split("_")[0]}_* storage is configured`);
    }
  }
  const min = Number(env.RETENTION_DAYS_MIN ?? 1);
  const max = Number(env.RETENTION_DAYS_MAX ?? 3650);
  if (min > max) issues.push("RETENTION_DAYS_MIN: must not be more than RETENTION_DAYS_MAX");
  return issues;
}

/** The recordings configuration from the validated variables. */
export function recordingsConfig(e: Env): RecordingsConfig {
  const b2 = e.BACKBLAZE_ENDPOINT && e.BACKBLAZE_REGION && e.BACKBLAZE_BUCKET_NAME &&
    e.BACKBLAZE_KEY_ID && e.BACKBLAZE_APPLICATION_KEY;
  const s3 = e.S3_ENDPOINT && e.S3_REGION && e.S3_BUCKET && e.S3_ACCESS_KEY_ID &&
    e.S3_SECRET_ACCESS_KEY;
  return {
    key: e.RECORDINGS_KEY,
    s3: b2
      ? {
        endpoint: e.BACKBLAZE_ENDPOINT!,
        region: e.BACKBLAZE_REGION!,
        bucket: e.BACKBLAZE_BUCKET_NAME!,
        accessKeyId: e.BACKBLAZE_KEY_ID!,
        secretAccessKey: e.BACKBLAZE_APPLICATION_KEY!,
        forcePathStyle: e.S3_FORCE_PATH_STYLE,
      }
      : s3
      ? {
        endpoint: e.S3_ENDPOINT!,
        region: e.S3_REGION!,
        bucket: e.S3_BUCKET!,
        accessKeyId: e.S3_ACCESS_KEY_ID!,
        secretAccessKey: e.S3_SECRET_ACCESS_KEY!,
        forcePathStyle: e.S3_FORCE_PATH_STYLE,
      }
      : undefined,
    quotaBytes: e.RECORDING_QUOTA_MB * 1024 * 1024,
    deleteGraceDays: e.RECORDING_DELETE_GRACE_DAYS,
    archiveDays: e.RECORDING_ARCHIVE_DAYS,
    retention: { minDays: e.RETENTION_DAYS_MIN, maxDays: e.RETENTION_DAYS_MAX },
    adminPlays: e.ADMIN_PLAYS_RECORDINGS,
  };
}

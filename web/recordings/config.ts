/**
 * The recordings part of web's configuration: where audio is stored and how long it is kept.
 * `config.ts` reads the environment; this module only says what these variables mean.
 */
import { z } from "zod";
import {
  objectStoreEnv,
  objectStoreIssues,
  type ObjectStoreSettings,
  objectStoreSettings,
} from "../../shared/object-store.ts";
import { aesKey, flag } from "../config-rules.ts";

const days = (max: number, fallback: number) =>
  z.coerce.number().int().min(0).max(max).default(fallback);

/** The variables, merged into web's one schema. */
export const recordingsEnv = {
  RECORDINGS_KEY: aesKey.optional(),
  ...objectStoreEnv,
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
  s3: ObjectStoreSettings | undefined;
  quotaBytes: number;
  deleteGraceDays: number;
  archiveDays: number;
  /** Bounds an owner's retentionDays must stay within. */
  retention: { minDays: number; maxDays: number };
  adminPlays: boolean;
}

/** Rules across variables: an S3 group is all or nothing, retention bounds in order. */
export function recordingsIssues(env: Record<string, string>): string[] {
  const issues = objectStoreIssues(env);
  const min = Number(env.RETENTION_DAYS_MIN ?? 1);
  const max = Number(env.RETENTION_DAYS_MAX ?? 3650);
  if (min > max) issues.push("RETENTION_DAYS_MIN: must not be more than RETENTION_DAYS_MAX");
  return issues;
}

/** The recordings configuration from the validated variables. */
export function recordingsConfig(e: Env): RecordingsConfig {
  return {
    key: e.RECORDINGS_KEY,
    s3: objectStoreSettings(e) ?? undefined,
    quotaBytes: e.RECORDING_QUOTA_MB * 1024 * 1024,
    deleteGraceDays: e.RECORDING_DELETE_GRACE_DAYS,
    archiveDays: e.RECORDING_ARCHIVE_DAYS,
    retention: { minDays: e.RETENTION_DAYS_MIN, maxDays: e.RETENTION_DAYS_MAX },
    adminPlays: e.ADMIN_PLAYS_RECORDINGS,
  };
}

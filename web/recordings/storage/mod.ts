/**
 * Recording storage as configured: S3-compatible storage (B2 or S3 variables) when set, else the
 * embedded default, an encrypted folder under DATA_DIR whose key is generated on first start
 * (with a warning) unless RECORDINGS_KEY is given.
 */
import type { Logger } from "../../log.ts";
import type { RecordingsConfig } from "../config.ts";
import { createLocalStorage } from "./local.ts";
import { loadOrCreateRecordingsKey } from "./recordings-key.ts";
import type { RecordingStorage } from "./types.ts";

export type { ByteRange, RecordingStorage, StoredAudio } from "./types.ts";
export { StorageLimitError } from "./types.ts";
export { loadOrCreateRecordingsKey } from "./recordings-key.ts";

/** The folder of the embedded default, inside DATA_DIR. */
export const LOCAL_RECORDINGS_FOLDER = "recordings";

/** Opens the configured storage; warns through `log` when a local key was just generated. */
export async function openRecordingStorage(
  config: Pick<RecordingsConfig, "key" | "s3">,
  dataDir: string,
  log: Pick<Logger, "warn" | "info">,
): Promise<RecordingStorage> {
  if (config.s3) {
    // Loaded on demand, so embedded deployments never load the AWS SDK.
    const { createS3Storage } = await import("./s3.ts");
    const storage = createS3Storage({ ...config.s3, serverSideEncryption: "AES256" });
    log.info("recordings stored in S3-compatible storage", {
      endpoint: config.s3.endpoint,
      bucket: config.s3.bucket,
    });
    return storage;
  }
  const { key, generated, path } = await loadOrCreateRecordingsKey(dataDir, config.key);
  if (generated) {
    log.warn(
      "generated a recordings encryption key beside the data; back it up apart from the " +
        "recordings (losing it loses them) or set RECORDINGS_KEY",
      { file: path },
    );
  }
  const dir = `${dataDir.replace(/\/+$/, "")}/${LOCAL_RECORDINGS_FOLDER}`;
  log.info("recordings stored in an encrypted local folder", { dir });
  return createLocalStorage({ dir, key });
}

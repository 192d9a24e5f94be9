/** Picks the store for this deployment: MongoDB when configured, otherwise embedded SQLite. */
import { openSqliteStore } from "./sqlite.ts";
import type { Store } from "./types.ts";

export * from "./types.ts";

/**
 * Opens MongoDB when `mongodbUri` is set; otherwise SQLite at `${dataDir}/careflow.sqlite`, creating
 * the directory first.
 */
export async function openStore(config: { mongodbUri?: string; dataDir: string }): Promise<Store> {
  if (config.mongodbUri) {
    // Loaded on demand so embedded deployments never load the MongoDB driver.
    const { openMongoStore } = await import("./mongo.ts");
    return await openMongoStore(config.mongodbUri);
  }
  await Deno.mkdir(config.dataDir, { recursive: true });
  return openSqliteStore(`${config.dataDir}/careflow.sqlite`);
}

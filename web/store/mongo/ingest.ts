/** Agent events already applied, in MongoDB, keyed by event id. */
import type { Db } from "mongodb";
import type { IngestStore } from "../ingest.ts";
import { isDuplicateKey } from "./db.ts";

type AppliedEventDoc = { _id: string; type: string; appliedAt: Date };

/** The ingest store (keyed by event id, so `_id`'s unique index is the only one needed). */
export function mongoIngest(db: Db): Promise<IngestStore> {
  const events = db.collection<AppliedEventDoc>("appliedEvents");
  return Promise.resolve({
    async markEventApplied(id, type, at) {
      try {
        await events.insertOne({ _id: id, type, appliedAt: at });
        return true;
      } catch (error) {
        // Another delivery of the same event got there first.
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async isEventApplied(id) {
      return (await events.findOne({ _id: id }, { projection: { _id: 1 } })) !== null;
    },
  });
}

/** Agent events already applied, in MongoDB, keyed by event id. */
import type { Db } from "mongodb";
import type { CallStore } from "../calls.ts";
import type { EventWriteResult, IngestStore } from "../ingest.ts";
import type { PhonePresenceStore } from "../phone-presence.ts";
import type { RecordingStore } from "../recordings.ts";
import { isDuplicateKey } from "./db.ts";

type AppliedEventDoc = { _id: string; type: string; appliedAt: Date };

/** Where an event's writes go. */
export interface IngestTargets {
  calls: Pick<CallStore, "insertCall">;
  recordings: Pick<RecordingStore, "insertRecording">;
  presence: Pick<PhonePresenceStore, "notePhonePresence">;
}

/** The ingest store (keyed by event id, so `_id`'s unique index is the only one needed). */
export function mongoIngest(db: Db, targets: IngestTargets): Promise<IngestStore> {
  const events = db.collection<AppliedEventDoc>("appliedEvents");
  async function markEventApplied(id: string, type: string, at: Date) {
    try {
      await events.insertOne({ _id: id, type, appliedAt: at });
      return true;
    } catch (error) {
      // Another delivery of the same event got there first.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
  return Promise.resolve({
    markEventApplied,
    async isEventApplied(id) {
      return (await events.findOne({ _id: id }, { projection: { _id: 1 } })) !== null;
    },
    async applyEvents(writes) {
      const results: EventWriteResult[] = [];
      for (const write of writes) {
        try {
          if (await events.findOne({ _id: write.id }, { projection: { _id: 1 } })) {
            results.push("duplicate");
            continue;
          }
          // No transaction without a replica set: the writes first (each idempotent by its id),
          // the note last, so a crash in between only repeats them.
          if (write.call) await targets.calls.insertCall(write.call);
          if (write.recording) await targets.recordings.insertRecording(write.recording);
          if (write.presence) await targets.presence.notePhonePresence(write.presence);
          results.push(
            await markEventApplied(write.id, write.type, write.at) ? "applied" : "duplicate",
          );
        } catch (error) {
          results.push({ failed: error });
        }
      }
      return results;
    },
  });
}

/** Agent events already applied, in SQLite. */
import type { CallStore } from "../calls.ts";
import type { EventWriteResult, IngestStore } from "../ingest.ts";
import type { PhonePresenceStore } from "../phone-presence.ts";
import type { RecordingStore } from "../recordings.ts";
import type { Db, Sync } from "./db.ts";

/** Where an event's writes go. */
export interface IngestTargets {
  calls: Pick<Sync<CallStore>, "insertCall">;
  recordings: Pick<Sync<RecordingStore>, "insertRecording">;
  presence: Pick<Sync<PhonePresenceStore>, "notePhonePresence">;
}

/** The ingest store over an open database. */
export function sqliteIngest(db: Db, targets: IngestTargets): Sync<IngestStore> {
  // The primary key decides: of two concurrent deliveries exactly one inserts.
  const markEventApplied = (id: string, type: string, at: Date) =>
    db.insert("applied_events", { id, type, appliedAt: at }, "ON CONFLICT (id) DO NOTHING")
      .changes === 1;
  return {
    markEventApplied,
    isEventApplied: (id) =>
      db.sql("SELECT 1 FROM applied_events WHERE id = ?").get(id) !== undefined,
    applyEvents: (writes) =>
      db.transaction(() =>
        writes.map((write): EventWriteResult => {
          // A savepoint per event: one failing is undone alone, the batch goes on.
          db.raw.exec("SAVEPOINT event");
          try {
            const fresh = markEventApplied(write.id, write.type, write.at);
            if (fresh && write.call) targets.calls.insertCall(write.call);
            if (fresh && write.recording) targets.recordings.insertRecording(write.recording);
            if (fresh && write.presence) targets.presence.notePhonePresence(write.presence);
            db.raw.exec("RELEASE event");
            return fresh ? "applied" : "duplicate";
          } catch (error) {
            db.raw.exec("ROLLBACK TO event");
            db.raw.exec("RELEASE event");
            return { failed: error };
          }
        })
      ),
  };
}

/** Agent events already applied, in SQLite. */
import type { IngestStore } from "../ingest.ts";
import type { Db, Sync } from "./db.ts";

/** The ingest store over an open database. */
export function sqliteIngest(db: Db): Sync<IngestStore> {
  return {
    // The primary key decides: of two concurrent deliveries exactly one inserts.
    markEventApplied: (id, type, at) =>
      db.insert("applied_events", { id, type, appliedAt: at }, "ON CONFLICT (id) DO NOTHING")
        .changes === 1,
    isEventApplied: (id) =>
      db.sql("SELECT 1 FROM applied_events WHERE id = ?").get(id) !== undefined,
  };
}

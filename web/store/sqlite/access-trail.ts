/** The access trail in SQLite: one append-only table, `seq` its primary key. */
import type { TrailEntry } from "../../recordings/recording.ts";
import type { AccessTrailStore } from "../access-trail.ts";
import { assertNextEntry } from "../../recordings/trail.ts";
import type { Db, Row, Shape, Sync } from "./db.ts";
import { decode } from "./db.ts";

const ENTRY: Shape = { dates: ["at"] };

const toEntry = (row: Row) => decode<TrailEntry>(row, ENTRY);

/** The access trail over an open database. */
export function sqliteAccessTrail(db: Db): Sync<AccessTrailStore> {
  return {
    appendTrail(build) {
      // BEGIN IMMEDIATE takes the write lock before the last entry is read, so no other
      // connection (or process) can append in between: read, build and insert are one step.
      // Within this process node:sqlite is synchronous, so appends cannot interleave at all.
      return db.transaction(() => {
        const row = db.sql("SELECT * FROM access_trail ORDER BY seq DESC LIMIT 1").get() as
          | Row
          | undefined;
        const last = row ? toEntry(row) : null;
        const entry = build(last);
        assertNextEntry(last, entry);
        db.insert("access_trail", entry);
        return entry;
      });
    },
    listTrailForRecording: (recordingId) =>
      (db.sql("SELECT * FROM access_trail WHERE recording_id = ? ORDER BY seq").all(
        recordingId,
      ) as Row[]).map(toEntry),
    listTrail: (fromSeq, limit) =>
      (db.sql("SELECT * FROM access_trail WHERE seq >= ? ORDER BY seq LIMIT ?").all(
        Math.floor(fromSeq),
        Math.max(0, Math.floor(limit)),
      ) as Row[]).map(toEntry),
    searchTrail(filter, offset, limit) {
      // Only the filters given become conditions; every value is a parameter.
      const where: string[] = [];
      const params: Record<string, string | number> = {
        offset: Math.max(0, Math.floor(offset)),
        limit: Math.max(0, Math.floor(limit)),
      };
      if (filter.actorUserId !== undefined) {
        where.push("actor_user_id = :actor");
        params.actor = filter.actorUserId;
      }
      if (filter.recordingId !== undefined) {
        where.push("recording_id = :recording");
        params.recording = filter.recordingId;
      }
      if (filter.from) {
        where.push("at >= :from");
        params.from = filter.from.getTime();
      }
      if (filter.to) {
        where.push("at < :to");
        params.to = filter.to.getTime();
      }
      const condition = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
      return (db.sql(
        `SELECT * FROM access_trail ${condition} ORDER BY seq DESC LIMIT :limit OFFSET :offset`,
      ).all(params) as Row[]).map(toEntry);
    },
  };
}

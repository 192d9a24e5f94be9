/** Recordings and voicemail in SQLite (rows: `recording-rows.ts`). */
import type { SQLInputValue } from "node:sqlite";
import type { RecordingQuery, RecordingStore } from "../recordings.ts";
import type { Db, Row, Sync } from "./db.ts";
import { PATCHABLE, patchRow, recordingFromRow, recordingRow } from "./recording-rows.ts";

/** Ties are broken by id so pages never overlap or skip. */
const ORDER: Record<NonNullable<RecordingQuery["sort"]>, string> = {
  newest: "recorded_at DESC, id DESC",
  oldest: "recorded_at ASC, id ASC",
  unlistened: "is_listened ASC, recorded_at DESC, id DESC",
};

/** The other party is the one called on an outbound call and the caller on an inbound one. */
const OTHER_NAME = "CASE direction WHEN 'outbound' THEN to_name_lower ELSE from_name_lower END";
/** CareFlow IDs are ASCII, so SQLite's lower() folds them fully. */
const OTHER_ID = "lower(CASE direction WHEN 'outbound' THEN to_care4w_id ELSE from_care4w_id END)";

/**
 * The owner's filter. It always pins owner_user_id, so SQLite walks the (owner, recordedAt)
 * index. instr() is a plain substring test, so %, _ and the like in the search text are literal;
 * both sides are lower-cased in JS (names, notes, tags) or are ASCII (IDs).
 */
function ownerFilter(ownerUserId: string, query: RecordingQuery) {
  const where = ["owner_user_id = :owner"];
  const params: Record<string, SQLInputValue> = { owner: ownerUserId };
  const add = (clause: string, name: string, value: SQLInputValue) => {
    where.push(clause);
    params[name] = value;
  };
  if (query.type) add("type = :type", "type", query.type);
  if (query.direction) add("direction = :direction", "direction", query.direction);
  if (query.status) add("status = :status", "status", query.status);
  else where.push("status <> 'deleted'");
  if (query.from) add("recorded_at >= :from", "from", query.from.getTime());
  if (query.to) add("recorded_at < :to", "to", query.to.getTime());
  if (query.q) {
    add(
      `(instr(${OTHER_NAME}, :q) > 0 OR instr(${OTHER_ID}, :q) > 0
        OR instr(notes_lower, :q) > 0
        OR EXISTS (SELECT 1 FROM json_each(tags_lower) AS tag WHERE instr(tag.value, :q) > 0))`,
      "q",
      query.q.toLowerCase(),
    );
  }
  return { where: where.join(" AND "), params };
}

/** LIMIT and OFFSET of a 1-based page. */
function pageOf(query: { page: number; limit: number }) {
  const limit = Math.max(0, Math.floor(query.limit));
  return { limit, offset: (Math.max(1, Math.floor(query.page)) - 1) * limit };
}

/** The recording store over an open database. */
export function sqliteRecordings(db: Db): Sync<RecordingStore> {
  const many = (text: string, params: Record<string, SQLInputValue>) =>
    (db.sql(text).all(params) as Row[]).map(recordingFromRow);
  const byId = (id: string) => {
    const row = db.sql("SELECT * FROM recordings WHERE id = ?").get(id) as Row | undefined;
    return row ? recordingFromRow(row) : null;
  };
  return {
    insertRecording: (recording) =>
      db.insert("recordings", recordingRow(recording), "ON CONFLICT (id) DO NOTHING").changes ===
        1,
    getRecordingForOwner(id, ownerUserId) {
      const recording = byId(id);
      return recording?.ownerUserId === ownerUserId ? recording : null;
    },
    getRecording: byId,
    listRecordingsForOwner(ownerUserId, query) {
      const { where, params } = ownerFilter(ownerUserId, query);
      const order = ORDER[query.sort ?? "newest"] ?? ORDER.newest;
      const recordings = many(
        `SELECT * FROM recordings WHERE ${where} ORDER BY ${order} LIMIT :limit OFFSET :offset`,
        { ...params, ...pageOf(query) },
      );
      const { total } = db.sql(`SELECT COUNT(*) AS total FROM recordings WHERE ${where}`)
        .get(params) as Row;
      return { recordings, total: total as number };
    },
    updateRecording(id, patch, at = new Date()) {
      db.update("recordings", "id", id, patchRow(patch, at), PATCHABLE);
      return byId(id);
    },
    storedBytesForOwner(ownerUserId) {
      const row = db.sql(
        `SELECT coalesce(sum(file_size), 0) AS bytes FROM recordings
         WHERE owner_user_id = ? AND purged_at IS NULL`,
      ).get(ownerUserId) as Row;
      return row.bytes as number;
    },
    countUnlistenedVoicemail(ownerUserId) {
      // The literal conditions match the partial index recordings_unlistened_voicemail.
      const row = db.sql(
        `SELECT COUNT(*) AS n FROM recordings WHERE owner_user_id = ? AND type = 'voicemail'
           AND is_listened = 0 AND status <> 'deleted'`,
      ).get(ownerUserId) as Row;
      return row.n as number;
    },
    listPurgeCandidates({ deletedBefore, archivedBefore, recordedBefore, limit, after }) {
      // Three branches, each on its own partial index; they are disjoint by status.
      return many(
        `SELECT * FROM (
           SELECT * FROM recordings WHERE status = 'deleted' AND purged_at IS NULL
             AND deleted_at < :deleted
           UNION ALL
           SELECT * FROM recordings WHERE status = 'archived' AND purged_at IS NULL
             AND archived_at < :archived
           UNION ALL
           SELECT * FROM recordings WHERE status = 'active' AND purged_at IS NULL
             AND recorded_at < :recorded
         ) WHERE :after_at IS NULL OR (recorded_at, id) > (:after_at, :after_id)
         ORDER BY recorded_at, id LIMIT :limit`,
        {
          deleted: deletedBefore.getTime(),
          archived: archivedBefore.getTime(),
          recorded: recordedBefore.getTime(),
          after_at: after?.recordedAt.getTime() ?? null,
          after_id: after?.id ?? "",
          limit: Math.max(0, Math.floor(limit)),
        },
      );
    },
    listStalled: (before, limit) =>
      many(
        `SELECT * FROM recordings WHERE status IN ('recording', 'processing')
           AND updated_at < :before ORDER BY updated_at, id LIMIT :limit`,
        { before: before.getTime(), limit: Math.max(0, Math.floor(limit)) },
      ),
  };
}

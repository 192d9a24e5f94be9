/** Call history in SQLite. */
import type { SQLInputValue } from "node:sqlite";
import type { CallRecord } from "../../calls/rules.ts";
import type { CallPage, CallQuery, CallStore } from "../calls.ts";
import { type Db, decode, type Row, type Shape, type Sync } from "./db.ts";

const CALL: Shape = { dates: ["startedAt", "answeredAt", "endedAt"] };

type CallRow = Omit<CallRecord, "quality" | "transferredBy" | "transferredTo"> & {
  qualityMos: number | null;
  qualityJitterMs: number | null;
  qualityLossPercent: number | null;
  transferredById: string | null;
  transferredByName: string | null;
  transferredToId: string | null;
  transferredToName: string | null;
};

/** A record as the table's columns: quality and transfers flattened, names lower-cased too. */
function callColumns({ quality, transferredBy, transferredTo, ...call }: CallRecord): object {
  return {
    ...call,
    callerNameLower: call.callerName.toLowerCase(),
    calleeNameLower: call.calleeName.toLowerCase(),
    qualityMos: quality?.mos ?? null,
    qualityJitterMs: quality?.jitterMs ?? null,
    qualityLossPercent: quality?.lossPercent ?? null,
    transferredById: transferredBy?.care4wId ?? null,
    transferredByName: transferredBy?.displayName ?? null,
    transferredToId: transferredTo?.care4wId ?? null,
    transferredToName: transferredTo?.displayName ?? null,
  };
}

function callFromRow(row: Row): CallRecord {
  const {
    qualityMos,
    qualityJitterMs,
    qualityLossPercent,
    transferredById,
    transferredByName,
    transferredToId,
    transferredToName,
    ...call
  } = decode<CallRow>(row, CALL);
  const party = (care4wId: string | null, displayName: string | null) =>
    care4wId ? { care4wId, displayName: displayName ?? care4wId } : null;
  return {
    ...call,
    quality: qualityMos === null
      ? null
      : { mos: qualityMos, jitterMs: qualityJitterMs ?? 0, lossPercent: qualityLossPercent ?? 0 },
    transferredBy: party(transferredById, transferredByName),
    transferredTo: party(transferredToId, transferredToName),
  };
}

/**
 * Builds one side of the call-history union. Each side filters on its own indexed user column so
 * SQLite can walk (user, startedAt) instead of scanning; a self-call is counted once, as outbound.
 */
function callBranch(side: "caller" | "callee", query: CallQuery): string {
  const other = side === "caller" ? "callee" : "caller";
  const where = [`${side}_user_id = :user`];
  // IS NOT: a caller that is an outside phone has no user id (NULL <> x is never true).
  if (side === "callee") where.push("caller_user_id IS NOT :user");
  if (query.status) where.push("status = :status");
  if (query.from) where.push("started_at >= :from");
  if (query.to) where.push("started_at < :to");
  // instr() is a plain substring test, so % and _ in the search text need no escaping.
  if (query.q) {
    where.push(
      `(instr(${other}_name_lower, :q) > 0 OR instr(lower(${other}_care4w_id), :q) > 0` +
        ` OR instr(${other}_phone, :q) > 0)`,
    );
  }
  return `SELECT * FROM calls WHERE ${where.join(" AND ")}`;
}

function callParams(userId: string, query: CallQuery): Record<string, SQLInputValue> {
  const params: Record<string, SQLInputValue> = { user: userId };
  if (query.status) params.status = query.status;
  if (query.from) params.from = query.from.getTime();
  if (query.to) params.to = query.to.getTime();
  if (query.q) params.q = query.q.toLowerCase();
  return params;
}

/** The call store over an open database. */
export function sqliteCalls(db: Db): Sync<CallStore> {
  return {
    insertCall(call) {
      return db.insert("calls", callColumns(call), "ON CONFLICT (id) DO NOTHING").changes === 1;
    },
    listCallsForUser(userId, query): CallPage {
      const branches: string[] = [];
      if (query.direction !== "inbound") branches.push(callBranch("caller", query));
      if (query.direction !== "outbound") branches.push(callBranch("callee", query));
      const union = branches.join(" UNION ALL ");
      const params = callParams(userId, query);
      const limit = Math.max(0, Math.floor(query.limit));
      const offset = (Math.max(1, Math.floor(query.page)) - 1) * limit;
      const rows = db.sql(
        `SELECT * FROM (${union}) ORDER BY started_at DESC, id DESC LIMIT :limit OFFSET :offset`,
      ).all({ ...params, limit, offset }) as Row[];
      const { total } = db.sql(`SELECT COUNT(*) AS total FROM (${union})`).get(params) as Row;
      return { calls: rows.map(callFromRow), total: total as number };
    },
    hasCall: (callId) => db.sql("SELECT 1 FROM calls WHERE id = ?").get(callId) !== undefined,
    getCallForUser(callId, userId) {
      const row = db.sql(
        "SELECT * FROM calls WHERE id = ? AND (caller_user_id = ? OR callee_user_id = ?)",
      ).get(callId, userId, userId) as Row | undefined;
      return row ? callFromRow(row) : null;
    },
    recordCallQuality(callId, userId, quality) {
      const mine = db.sql(
        `SELECT 1 FROM calls WHERE id = ? AND mode = 'webrtc'
           AND (caller_user_id = ? OR callee_user_id = ?)`,
      ).get(callId, userId, userId);
      if (!mine) return false;
      db.sql(
        `UPDATE calls SET quality_mos = ?, quality_jitter_ms = ?, quality_loss_percent = ?
           WHERE id = ? AND (quality_mos IS NULL OR quality_mos > ?)`,
      ).run(quality.mos, quality.jitterMs, quality.lossPercent, callId, quality.mos);
      return true;
    },
  };
}

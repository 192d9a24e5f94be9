/** The agent outbox in SQLite. */
import type { AgentOutboxEntry, AgentOutboxStore } from "../agent-outbox.ts";
import { type Db, decode, type Row, type Shape, type Sync } from "./db.ts";

const OUTBOX: Shape = { dates: ["queuedAt"] };

/** The agent outbox over an open database. */
export function sqliteAgentOutbox(db: Db): Sync<AgentOutboxStore> {
  return {
    queueAgentSync(care4wId, at) {
      const row = db.sql(
        `INSERT INTO agent_outbox (care4w_id, version, queued_at) VALUES (?, 1, ?)
         ON CONFLICT (care4w_id) DO UPDATE SET version = version + 1 RETURNING version`,
      ).get(care4wId, at.getTime()) as Row;
      return row.version as number;
    },
    listAgentSync: (limit) =>
      (db.sql("SELECT * FROM agent_outbox ORDER BY queued_at, care4w_id LIMIT ?").all(
        Math.max(0, Math.floor(limit)),
      ) as Row[]).map((row) => decode<AgentOutboxEntry>(row, OUTBOX)),
    clearAgentSync: (care4wId, version) =>
      Number(
        db.sql("DELETE FROM agent_outbox WHERE care4w_id = ? AND version = ?").run(
          care4wId,
          version,
        ).changes,
      ) === 1,
  };
}

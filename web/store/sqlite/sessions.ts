/** Sessions and failed logins in SQLite. */
import type { LoginFailureStore, Session, SessionStore } from "../sessions.ts";
import type { Db, Row, Shape, Sync } from "./db.ts";

const SESSION: Shape = { dates: ["createdAt", "lastSeenAt", "expiresAt"] };
/** Failures older than this are never asked for again, so they are pruned on write. */
const LOGIN_FAILURE_RETENTION_MS = 24 * 60 * 60 * 1000;

/** The session store over an open database. */
export function sqliteSessions(db: Db): Sync<SessionStore> {
  return {
    createSession(session) {
      // Nothing else ever removes expired rows (MongoDB has a TTL index for this). "Expired" is
      // judged by the clock that stamped this session, so an app on an injected clock keeps
      // the sessions that clock still considers valid.
      db.sql("DELETE FROM sessions WHERE expires_at < ?").run(session.createdAt.getTime());
      db.insert("sessions", session);
    },
    getSession: (id) => db.one<Session>(SESSION, "SELECT * FROM sessions WHERE id = ?", id),
    touchSession(id, lastSeenAt, expiresAt) {
      db.sql("UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?")
        .run(lastSeenAt.getTime(), expiresAt.getTime(), id);
    },
    deleteSession(id) {
      db.sql("DELETE FROM sessions WHERE id = ?").run(id);
    },
    deleteUserSessions(userId) {
      db.sql("DELETE FROM sessions WHERE user_id = ?").run(userId);
    },
  };
}

/** The failed-login store over an open database. */
export function sqliteLoginFailures(db: Db): Sync<LoginFailureStore> {
  return {
    recordLoginFailure(key, at) {
      db.sql("DELETE FROM login_failures WHERE key = ? AND at < ?")
        .run(key, at.getTime() - LOGIN_FAILURE_RETENTION_MS);
      db.insert("login_failures", { key, at });
    },
    listLoginFailures(key, since) {
      const rows = db.sql(
        "SELECT at FROM login_failures WHERE key = ? AND at >= ? ORDER BY at, id",
      ).all(key, since.getTime()) as Row[];
      return rows.map((row) => new Date(row.at as number));
    },
    clearLoginFailures(key) {
      db.sql("DELETE FROM login_failures WHERE key = ?").run(key);
    },
  };
}

/**
 * SQLite store: the embedded default. `node:sqlite` is synchronous, so every method finishes its
 * work before yielding; transactions still use BEGIN IMMEDIATE because another process may share
 * the file.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { care4wIdFromSequence, FIRST_SEQUENCE } from "../../shared/care4w-id.ts";
import {
  type AgentOutboxEntry,
  type CallPage,
  type CallQuery,
  type CallRecord,
  type Session,
  type SipCredential,
  type Store,
  StoreConflictError,
  type User,
} from "./types.ts";

/** Counter that numbers CareFlow IDs. */
const CARE4W_COUNTER = "care4w";
/** Failures older than this are never asked for again, so they are pruned on write. */
const LOGIN_FAILURE_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Each entry moves the schema from version `index` to `index + 1`; only ever append. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
    id TEXT PRIMARY KEY, email TEXT NOT NULL, email_lower TEXT NOT NULL,
    display_name TEXT NOT NULL, care4w_id TEXT NOT NULL, sequence_number INTEGER NOT NULL,
    role TEXT NOT NULL, password_hash TEXT, firebase_uid TEXT, is_active INTEGER NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_login_at INTEGER
  ) STRICT;
  CREATE UNIQUE INDEX users_email_lower ON users (email_lower);
  CREATE UNIQUE INDEX users_care4w_id ON users (care4w_id);
  CREATE UNIQUE INDEX users_firebase_uid ON users (firebase_uid);
  CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX sessions_user_id ON sessions (user_id);
  CREATE INDEX sessions_expires_at ON sessions (expires_at);
  CREATE TABLE login_failures (id INTEGER PRIMARY KEY, key TEXT NOT NULL, at INTEGER NOT NULL)
    STRICT;
  CREATE INDEX login_failures_key_at ON login_failures (key, at);
  CREATE TABLE calls (
    id TEXT PRIMARY KEY, mode TEXT NOT NULL, status TEXT NOT NULL,
    caller_user_id TEXT NOT NULL, caller_care4w_id TEXT NOT NULL, caller_name TEXT NOT NULL,
    caller_name_lower TEXT NOT NULL, callee_user_id TEXT NOT NULL,
    callee_care4w_id TEXT NOT NULL, callee_name TEXT NOT NULL, callee_name_lower TEXT NOT NULL,
    started_at INTEGER NOT NULL, answered_at INTEGER, ended_at INTEGER NOT NULL,
    duration_seconds INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX calls_caller_started ON calls (caller_user_id, started_at);
  CREATE INDEX calls_callee_started ON calls (callee_user_id, started_at);
  CREATE TABLE sip_credentials (
    user_id TEXT PRIMARY KEY, encrypted_password TEXT NOT NULL, ha1 TEXT NOT NULL,
    rotated_at INTEGER NOT NULL
  ) STRICT;`,
  `CREATE TABLE agent_outbox (
    care4w_id TEXT PRIMARY KEY, version INTEGER NOT NULL, queued_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX agent_outbox_queued_at ON agent_outbox (queued_at);`,
];

type Row = Record<string, unknown>;

/** The store's methods with their results unwrapped: node:sqlite does its work synchronously. */
type SyncStore = {
  [K in keyof Store]: (...args: Parameters<Store[K]>) => Awaited<ReturnType<Store[K]>>;
};

/** Wraps each method so a thrown error (a conflict, a closed database) becomes a rejection. */
function asyncStore(sync: SyncStore): Store {
  const store: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(sync)) {
    const fn = method as (...args: unknown[]) => unknown;
    store[name] = (...args: unknown[]) => Promise.try(() => fn(...args));
  }
  return store as unknown as Store;
}

/*
 * Column names are the snake_case of the field names, dates are epoch milliseconds and booleans
 * 0/1, so rows convert mechanically. `*_lower` columns exist only for lookups and are dropped.
 */
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (column: string) => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function encode(record: object): Record<string, SQLInputValue> {
  const params: Record<string, SQLInputValue> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    params[snake(key)] = value instanceof Date
      ? value.getTime()
      : typeof value === "boolean"
      ? Number(value)
      : value as SQLInputValue;
  }
  return params;
}

/** Field kinds a row needs converted back; everything else is returned as stored. */
interface Shape {
  dates: readonly string[];
  booleans?: readonly string[];
}

const USER: Shape = { dates: ["createdAt", "updatedAt", "lastLoginAt"], booleans: ["isActive"] };
const SESSION: Shape = { dates: ["createdAt", "lastSeenAt", "expiresAt"] };
const CALL: Shape = { dates: ["startedAt", "answeredAt", "endedAt"] };
const SIP: Shape = { dates: ["rotatedAt"] };
const OUTBOX: Shape = { dates: ["queuedAt"] };

function decode<T>(row: Row, shape: Shape): T {
  const record: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (column.endsWith("_lower")) continue;
    const key = camel(column);
    record[key] = value === null
      ? null
      : shape.dates.includes(key)
      ? new Date(value as number)
      : shape.booleans?.includes(key)
      ? value === 1
      : value;
  }
  return record as T;
}

function migrate(db: DatabaseSync): void {
  const { user_version: version } = db.prepare("PRAGMA user_version").get() as Row;
  for (let v = version as number; v < MIGRATIONS.length; v++) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(MIGRATIONS[v]);
      // PRAGMA takes no bound parameters; v is a loop integer, never user input.
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }
}

/** Maps a UNIQUE violation on users to the field the caller can act on; rethrows anything else. */
function conflictFrom(error: unknown): never {
  const message = error instanceof Error ? error.message : "";
  if (message.includes("UNIQUE constraint failed: users.email_lower")) {
    throw new StoreConflictError("email");
  }
  if (message.includes("UNIQUE constraint failed: users.firebase_uid")) {
    throw new StoreConflictError("firebaseUid");
  }
  throw error;
}

/**
 * Builds one side of the call-history union. Each side filters on its own indexed user column so
 * SQLite can walk (user, startedAt) instead of scanning; a self-call is counted once, as outbound.
 */
function callBranch(side: "caller" | "callee", query: CallQuery): string {
  const other = side === "caller" ? "callee" : "caller";
  const where = [`${side}_user_id = :user`];
  if (side === "callee") where.push("caller_user_id <> :user");
  if (query.status) where.push("status = :status");
  if (query.from) where.push("started_at >= :from");
  if (query.to) where.push("started_at < :to");
  // instr() is a plain substring test, so % and _ in the search text need no escaping.
  if (query.q) {
    where.push(`(instr(${other}_name_lower, :q) > 0 OR instr(lower(${other}_care4w_id), :q) > 0)`);
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

/**
 * Opens (creating or migrating) a SQLite store. `path` may be `":memory:"` for tests; files get WAL
 * and a busy timeout so a second process (a CLI, a migration) can share them.
 */
export function openSqliteStore(path: string): Store {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA busy_timeout = 5000");
  if (path !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  migrate(db);

  // Statements are cached per SQL text: the call-history queries vary with the filters given.
  const statements = new Map<string, StatementSync>();
  const sql = (text: string): StatementSync => {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
  const one = <T>(shape: Shape, text: string, ...params: SQLInputValue[]): T | null => {
    const row = sql(text).get(...params) as Row | undefined;
    return row ? decode<T>(row, shape) : null;
  };
  // Only real columns are written: callers may hand over objects with extra properties, and
  // column names are spliced into the SQL text.
  const tableColumns = new Map<string, Set<string>>();
  const columnsOf = (table: string) => {
    let columns = tableColumns.get(table);
    if (!columns) {
      const rows = sql("SELECT name FROM pragma_table_info(?)").all(table) as Row[];
      columns = new Set(rows.map((row) => row.name as string));
      tableColumns.set(table, columns);
    }
    return columns;
  };
  const insert = (table: string, record: object, onConflict = "") => {
    const known = columnsOf(table);
    const params = Object.fromEntries(
      Object.entries(encode(record)).filter(([column]) => known.has(column)),
    );
    const columns = Object.keys(params);
    return sql(
      `INSERT INTO ${table} (${columns.join(", ")})
       VALUES (${columns.map((c) => `:${c}`).join(", ")}) ${onConflict}`,
    ).run(params);
  };

  const nextCounter = (name: string): number =>
    (sql(
      `INSERT INTO counters (name, value) VALUES (?, 1)
       ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`,
    ).get(name) as Row).value as number;

  const userBy = (column: string, value: string) =>
    one<User>(USER, `SELECT * FROM users WHERE ${column} = ?`, value);

  return asyncStore({
    createUser(input) {
      db.exec("BEGIN IMMEDIATE");
      try {
        // Counter and insert share the transaction, so a rejected insert hands its number back.
        const sequence = FIRST_SEQUENCE - 1 + nextCounter(CARE4W_COUNTER);
        const now = new Date();
        const user: User = {
          id: crypto.randomUUID(),
          email: input.email,
          displayName: input.displayName,
          care4wId: care4wIdFromSequence(sequence),
          sequenceNumber: sequence,
          role: input.role ?? "user",
          passwordHash: input.passwordHash,
          firebaseUid: input.firebaseUid,
          isActive: true,
          createdAt: now,
          updatedAt: now,
          lastLoginAt: null,
        };
        insert("users", { ...user, emailLower: input.email.toLowerCase() });
        db.exec("COMMIT");
        return user;
      } catch (error) {
        db.exec("ROLLBACK");
        return conflictFrom(error);
      }
    },
    findUserById: (id) => userBy("id", id),
    findUserByEmail: (email) => userBy("email_lower", email.toLowerCase()),
    findUserByCare4wId: (care4wId) => userBy("care4w_id", care4wId),
    findUserByFirebaseUid: (uid) => userBy("firebase_uid", uid),
    updateUser(id, patch) {
      sql(
        `UPDATE users SET display_name = coalesce(:display_name, display_name),
           is_active = coalesce(:is_active, is_active),
           last_login_at = coalesce(:last_login_at, last_login_at), updated_at = :updated_at
         WHERE id = :id`,
      ).run({
        display_name: null,
        is_active: null,
        last_login_at: null,
        ...encode({ ...patch, updatedAt: new Date(), id }),
      });
      return userBy("id", id);
    },

    nextCounterValue: (name) => nextCounter(name),

    createSession(session) {
      // Nothing else ever removes expired rows (MongoDB has a TTL index for this).
      sql("DELETE FROM sessions WHERE expires_at < ?").run(Date.now());
      insert("sessions", session);
    },
    getSession: (id) => one<Session>(SESSION, "SELECT * FROM sessions WHERE id = ?", id),
    touchSession(id, lastSeenAt, expiresAt) {
      sql("UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?")
        .run(lastSeenAt.getTime(), expiresAt.getTime(), id);
    },
    deleteSession(id) {
      sql("DELETE FROM sessions WHERE id = ?").run(id);
    },
    deleteUserSessions(userId) {
      sql("DELETE FROM sessions WHERE user_id = ?").run(userId);
    },

    recordLoginFailure(key, at) {
      sql("DELETE FROM login_failures WHERE key = ? AND at < ?")
        .run(key, at.getTime() - LOGIN_FAILURE_RETENTION_MS);
      insert("login_failures", { key, at });
    },
    listLoginFailures(key, since) {
      const rows = sql("SELECT at FROM login_failures WHERE key = ? AND at >= ? ORDER BY at, id")
        .all(key, since.getTime()) as Row[];
      return rows.map((row) => new Date(row.at as number));
    },
    clearLoginFailures(key) {
      sql("DELETE FROM login_failures WHERE key = ?").run(key);
    },

    insertCall(call) {
      const record = {
        ...call,
        callerNameLower: call.callerName.toLowerCase(),
        calleeNameLower: call.calleeName.toLowerCase(),
      };
      return insert("calls", record, "ON CONFLICT (id) DO NOTHING").changes === 1;
    },
    listCallsForUser(userId, query): CallPage {
      const branches: string[] = [];
      if (query.direction !== "inbound") branches.push(callBranch("caller", query));
      if (query.direction !== "outbound") branches.push(callBranch("callee", query));
      const union = branches.join(" UNION ALL ");
      const params = callParams(userId, query);
      const limit = Math.max(0, Math.floor(query.limit));
      const offset = (Math.max(1, Math.floor(query.page)) - 1) * limit;
      const rows = sql(
        `SELECT * FROM (${union}) ORDER BY started_at DESC, id DESC LIMIT :limit OFFSET :offset`,
      ).all({ ...params, limit, offset }) as Row[];
      const { total } = sql(`SELECT COUNT(*) AS total FROM (${union})`).get(params) as Row;
      return { calls: rows.map((row) => decode<CallRecord>(row, CALL)), total: total as number };
    },
    getCallForUser: (callId, userId) =>
      one<CallRecord>(
        CALL,
        "SELECT * FROM calls WHERE id = ? AND (caller_user_id = ? OR callee_user_id = ?)",
        callId,
        userId,
        userId,
      ),

    saveSipCredential(credential) {
      insert(
        "sip_credentials",
        credential,
        `ON CONFLICT (user_id) DO UPDATE SET encrypted_password = excluded.encrypted_password,
           ha1 = excluded.ha1, rotated_at = excluded.rotated_at`,
      );
    },
    getSipCredential: (userId) =>
      one<SipCredential>(SIP, "SELECT * FROM sip_credentials WHERE user_id = ?", userId),

    queueAgentSync(care4wId, at) {
      const row = sql(
        `INSERT INTO agent_outbox (care4w_id, version, queued_at) VALUES (?, 1, ?)
         ON CONFLICT (care4w_id) DO UPDATE SET version = version + 1 RETURNING version`,
      ).get(care4wId, at.getTime()) as Row;
      return row.version as number;
    },
    listAgentSync: (limit) =>
      (sql("SELECT * FROM agent_outbox ORDER BY queued_at, care4w_id LIMIT ?").all(
        Math.max(0, Math.floor(limit)),
      ) as Row[]).map((row) => decode<AgentOutboxEntry>(row, OUTBOX)),
    clearAgentSync: (care4wId, version) =>
      Number(
        sql("DELETE FROM agent_outbox WHERE care4w_id = ? AND version = ?").run(care4wId, version)
          .changes,
      ) === 1,

    close() {
      if (db.isOpen) db.close();
    },
  });
}

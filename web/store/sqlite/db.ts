/**
 * The SQLite file behind the embedded store: opening and migrating it, cached statements, and the
 * mechanical mapping between records and rows. `node:sqlite` is synchronous, so every method
 * finishes its work before yielding; transactions still use BEGIN IMMEDIATE because another
 * process may share the file.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";

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

export type Row = Record<string, unknown>;

/** Field kinds a row needs converted back; everything else is returned as stored. */
export interface Shape {
  dates: readonly string[];
  booleans?: readonly string[];
}

/*
 * Column names are the snake_case of the field names, dates are epoch milliseconds and booleans
 * 0/1, so rows convert mechanically. `*_lower` columns exist only for lookups and are dropped.
 */
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (column: string) => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A record as named statement parameters. */
export function encode(record: object): Record<string, SQLInputValue> {
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

/** A row as a record of `shape`. */
export function decode<T>(row: Row, shape: Shape): T {
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

/** The open database with the helpers every part of the store uses. */
export interface Db {
  raw: DatabaseSync;
  /** A prepared statement, cached per SQL text (history queries vary with their filters). */
  sql(text: string): StatementSync;
  /** The first row of a query as a record of `shape`, or null. */
  one<T>(shape: Shape, text: string, ...params: SQLInputValue[]): T | null;
  /** Inserts a record's known columns; `onConflict` is an optional trailing clause. */
  insert(table: string, record: object, onConflict?: string): { changes: number | bigint };
  /** Runs `work` in one BEGIN IMMEDIATE transaction, rolled back when it throws. */
  transaction<T>(work: () => T): T;
}

/**
 * Opens (creating or migrating) a database. `path` may be `":memory:"` for tests; files get WAL
 * and a busy timeout so a second process (a CLI, a migration) can share them.
 */
export function openDb(path: string): Db {
  const raw = new DatabaseSync(path);
  raw.exec("PRAGMA busy_timeout = 5000");
  if (path !== ":memory:") raw.exec("PRAGMA journal_mode = WAL");
  raw.exec("PRAGMA synchronous = NORMAL");
  migrate(raw);

  const statements = new Map<string, StatementSync>();
  const sql = (text: string): StatementSync => {
    let statement = statements.get(text);
    if (!statement) {
      statement = raw.prepare(text);
      statements.set(text, statement);
    }
    return statement;
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
  return {
    raw,
    sql,
    one<T>(shape: Shape, text: string, ...params: SQLInputValue[]) {
      const row = sql(text).get(...params) as Row | undefined;
      return row ? decode<T>(row, shape) : null;
    },
    insert(table, record, onConflict = "") {
      const known = columnsOf(table);
      const params = Object.fromEntries(
        Object.entries(encode(record)).filter(([column]) => known.has(column)),
      );
      const columns = Object.keys(params);
      return sql(
        `INSERT INTO ${table} (${columns.join(", ")})
         VALUES (${columns.map((c) => `:${c}`).join(", ")}) ${onConflict}`,
      ).run(params);
    },
    transaction(work) {
      raw.exec("BEGIN IMMEDIATE");
      try {
        const result = work();
        raw.exec("COMMIT");
        return result;
      } catch (error) {
        raw.exec("ROLLBACK");
        throw error;
      }
    },
  };
}

/** An interface's methods with their results unwrapped: node:sqlite works synchronously. */
export type Sync<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;
};

/** Wraps each method so a thrown error (a conflict, a closed database) becomes a rejection. */
export function asAsync<T>(sync: Sync<T>): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(sync)) {
    const fn = method as (...args: unknown[]) => unknown;
    wrapped[name] = (...args: unknown[]) => Promise.try(() => fn(...args));
  }
  return wrapped as T;
}

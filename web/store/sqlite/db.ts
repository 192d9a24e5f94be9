/**
 * The SQLite file behind the embedded store: opening and migrating it, cached statements, and the
 * mechanical mapping between records and rows. `node:sqlite` is synchronous, so every method
 * finishes its work before yielding; transactions still use BEGIN IMMEDIATE because another
 * process may share the file.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { MIGRATIONS } from "./migrations.ts";

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
/** Column names are few and fixed: each is converted once (rows are decoded on every request). */
const camelCache = new Map<string, string>();
const camel = (column: string) => {
  let key = camelCache.get(column);
  if (key === undefined) {
    key = column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    camelCache.set(column, key);
  }
  return key;
};

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

/** How to turn one row layout into records: each column's field name and kind, worked out once. */
type Plan = { column: string; key: string; kind: "date" | "boolean" | "plain" }[];
const plans = new WeakMap<Shape, Map<string, Plan>>();

function planFor(row: Row, shape: Shape): Plan {
  let byLayout = plans.get(shape);
  if (!byLayout) plans.set(shape, byLayout = new Map());
  const columns = Object.keys(row);
  const layout = columns.join(",");
  let plan = byLayout.get(layout);
  if (!plan) {
    plan = columns.filter((column) => !column.endsWith("_lower")).map((column) => {
      const key = camel(column);
      const kind = shape.dates.includes(key)
        ? "date" as const
        : shape.booleans?.includes(key)
        ? "boolean" as const
        : "plain" as const;
      return { column, key, kind };
    });
    byLayout.set(layout, plan);
  }
  return plan;
}

/** A row as a record of `shape` (rows are decoded on every request: the plan is cached). */
export function decode<T>(row: Row, shape: Shape): T {
  const record: Record<string, unknown> = {};
  for (const { column, key, kind } of planFor(row, shape)) {
    const value = row[column];
    record[key] = value === null
      ? null
      : kind === "date"
      ? new Date(value as number)
      : kind === "boolean"
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
  /**
   * Sets `fields` on the rows whose `key` column equals `keyValue`; returns how many changed.
   * Only the `allowed` field names are written: patches may carry extra properties at run time,
   * and column names are spliced into the SQL text.
   */
  update(
    table: string,
    key: string,
    keyValue: SQLInputValue,
    fields: object,
    allowed: readonly string[],
  ): number;
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
    update(table, key, keyValue, fields, allowed) {
      const columns = new Set(allowed.map(snake));
      const params = Object.fromEntries(
        Object.entries(encode(fields)).filter(([column]) => columns.has(column)),
      );
      const set = Object.keys(params).map((column) => `${column} = :${column}`);
      if (set.length === 0) return 0;
      return Number(
        sql(`UPDATE ${table} SET ${set.join(", ")} WHERE ${key} = :where_key`)
          .run({ ...params, where_key: keyValue }).changes,
      );
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

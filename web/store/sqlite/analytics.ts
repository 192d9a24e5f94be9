/**
 * Call analytics in SQLite, from the rollups the analytics migration keeps by trigger (per user,
 * and '' for the organisation). Hours: the period's `call_rollups` rows (per UTC quarter-hour and
 * direction), each turned into its local hour with the zone's offsets; exact when every offset
 * and change falls on a quarter-hour, as in every zone's rules today; otherwise the calls
 * themselves are grouped in SQL, each with its own offset. Contacts: see `analytics-contacts.ts`.
 */
import type { SQLInputValue, StatementSync } from "node:sqlite";
import {
  type AnalyticsTally,
  ANSWERED,
  type HourTally,
  noStatuses,
} from "../../../shared/analytics.ts";
import { CALL_STATUSES, type CallDirection } from "../../../shared/calls.ts";
import { segmentOffset } from "../../../shared/time-zone.ts";
import type { AnalyticsQuery, AnalyticsStore } from "../analytics.ts";
import type { Db, Row, Sync } from "./db.ts";
import { contactTally, ORGANISATION } from "./analytics-contacts.ts";

type Params = Record<string, SQLInputValue>;
const QUARTER_MS = 900_000;
const HOUR_MS = 3_600_000;

/** Whether whole UTC quarter-hours map to one local hour: the rollup is then exact. */
function quarterAligned(query: AnalyticsQuery): boolean {
  const instants = [query.from.getTime(), query.to.getTime()];
  for (const { startMs, offsetMs } of query.offsets) instants.push(startMs, offsetMs);
  return instants.every((ms) => ms % QUARTER_MS === 0);
}

/* Status names come from CALL_STATUSES (our constants), never from a request. */
const STATUS_COLUMNS = CALL_STATUSES.map((s) => `s_${s}`).join(", ");
const ROLLUP_HOURS = `SELECT quarter, direction, ${STATUS_COLUMNS}, talk_seconds, longest_seconds
  FROM call_rollups WHERE user_id = :user AND quarter >= :fq AND quarter < :tq`;

/**
 * All rows of a statement as arrays of values in column order: many thousand rows are read, and
 * arrays are the cheaper shape. `setReturnArrays` is in node:sqlite but not yet in Deno's types;
 * without it the rows' values are taken in column order.
 */
function allArrays(statement: StatementSync, params: Record<string, SQLInputValue>) {
  const withArrays = statement as StatementSync & { setReturnArrays?: (on: boolean) => void };
  if (typeof withArrays.setReturnArrays === "function") {
    withArrays.setReturnArrays(true);
    return statement.all(params) as unknown as SQLInputValue[][];
  }
  return (statement.all(params) as Row[]).map((row) => Object.values(row) as SQLInputValue[]);
}

/** The rollup's quarter-hours folded into local hours (rows as arrays, in column order). */
function hoursFromRollup(db: Db, query: AnalyticsQuery, user: string): HourTally[] {
  const rows = allArrays(db.sql(ROLLUP_HOURS), {
    user,
    fq: query.from.getTime() / QUARTER_MS,
    tq: query.to.getTime() / QUARTER_MS,
  });
  // Keyed by local hour and direction as one number: this loop runs once per rollup row.
  const hours = new Map<number, HourTally>();
  for (const row of rows) {
    const at = (row[0] as number) * QUARTER_MS;
    const localHour = Math.floor((at + segmentOffset(query.offsets, at)) / HOUR_MS);
    const direction = row[1] as CallDirection;
    const key = localHour * 2 + (direction === "outbound" ? 1 : 0);
    let hour = hours.get(key);
    if (!hour) {
      hour = { localHour, direction, statuses: noStatuses(), talkSeconds: 0, longestSeconds: 0 };
      hours.set(key, hour);
    }
    const statuses = hour.statuses;
    for (let i = 0; i < CALL_STATUSES.length; i++) {
      statuses[CALL_STATUSES[i]] += row[2 + i] as number;
    }
    hour.talkSeconds += row[10] as number;
    if ((row[11] as number) > hour.longestSeconds) hour.longestSeconds = row[11] as number;
  }
  return [...hours.values()];
}

/** The local-time offset of `started_at` as SQL, segment bounds as parameters. */
function offsetSql(query: AnalyticsQuery, params: Params): string {
  const [first, ...rest] = query.offsets;
  params.o0 = first?.offsetMs ?? 0;
  if (rest.length === 0) return ":o0";
  const whens = rest.map((segment, i) => {
    params[`t${i + 1}`] = segment.startMs;
    params[`o${i + 1}`] = segment.offsetMs;
    return `WHEN started_at < :t${i + 1} THEN :o${i}`;
  });
  return `CASE ${whens.join(" ")} ELSE :o${rest.length} END`;
}

const TALK = `IIF(status = '${ANSWERED}', duration_seconds, 0)`;

/**
 * The hourly tally from the calls, each with its own offset: any zone, slower. `local_hour` is
 * floored by integer division; the CAST keeps it integer, as JS numbers bind as REAL.
 */
function hoursFromCalls(db: Db, query: AnalyticsQuery, user: string): HourTally[] {
  const params: Params = { user, from: query.from.getTime(), to: query.to.getTime() };
  const sums = CALL_STATUSES.map((s) => `SUM(status = '${s}') AS s_${s}`).join(", ");
  const sql = `SELECT CAST(started_at + ${offsetSql(query, params)} AS INTEGER) / ${HOUR_MS}
      AS local_hour, direction, ${sums}, SUM(${TALK}) AS talk, MAX(${TALK}) AS longest
    FROM call_analytics_rows WHERE user_id = :user AND started_at >= :from AND started_at < :to
    GROUP BY local_hour, direction`;
  return (db.sql(sql).all(params) as Row[]).map((row) => {
    const statuses = noStatuses();
    for (const status of CALL_STATUSES) statuses[status] = row[`s_${status}`] as number;
    return {
      localHour: row.local_hour as number,
      direction: row.direction as CallDirection,
      statuses,
      talkSeconds: row.talk as number,
      longestSeconds: row.longest as number,
    };
  });
}

/** The analytics store over an open database. */
export function sqliteAnalytics(db: Db): Sync<AnalyticsStore> {
  return {
    analyticsTally(query): AnalyticsTally {
      const user = query.scope === "organisation" ? ORGANISATION : query.scope.userId;
      const hours = quarterAligned(query)
        ? hoursFromRollup(db, query, user)
        : hoursFromCalls(db, query, user);
      return { hours, contacts: contactTally(db, query, user) };
    },
  };
}

/**
 * Call analytics, defined once. Every figure is a count over the call records of a period, as
 * their viewer sees them (a user: direction as in their history; the organisation: each call
 * once, `outbound` when a CareFlow user placed it). The words, in the call vocabulary of
 * `calls.ts`:
 *
 * - **calls**: records that started in the period (local calendar days of the period's zone);
 *   **made** are `outbound`, **received** `inbound`.
 * - **answered**: status `completed` (someone picked up and talked); **missed**, **declined**,
 *   **failed** and **voicemails**: status `missed`, `declined`, `failed` and `voicemail`. Every
 *   status, these and the rest (`cancelled`, `unavailable`, `busy`), is in **outcomes**.
 * - **talkSeconds**: the seconds of conversation of the answered calls (`durationSeconds`);
 *   **talkMinutes** the same in minutes to one decimal; **averageSeconds** talkSeconds per
 *   answered call, whole seconds; **longestSeconds** the longest answered call.
 * - **answerRate**: answered / calls, 0 to 1 to four decimals (0 without calls).
 * - A call belongs to the local hour, day and weekday (ISO, Monday = 1) its `startedAt` is in.
 * - **topContacts**: the other parties with most calls (ties: more talk, then address).
 *
 * Stores aggregate calls into `AnalyticsTally` (per local hour and direction, and per contact);
 * `reportFromTally` folds a tally into the report, so every store and the reference
 * `analyticsFromCalls` (in `analytics-calls.ts`) share one fold.
 */
import { CALL_STATUSES, type CallDirection, type CallStatus, type RecordParty } from "./calls.ts";
import { dateOfDay, dayNumber } from "./time-zone.ts";

/** The status that means a call was answered. */
export const ANSWERED: CallStatus = "completed";
/** How many contacts `topContacts` names. */
export const TOP_CONTACTS = 10;
/** ISO weekdays, Monday first. */
export const WEEKDAYS = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
] as const;

/** Local calendar days `from` to `to` (both included, `YYYY-MM-DD`) in the IANA zone `tz`. */
export interface AnalyticsPeriod {
  from: string;
  to: string;
  tz: string;
}

export type AnalyticsScope = "user" | "organisation";

/** The calls of one local hour and direction, by status: the unit stores aggregate to. */
export interface HourTally {
  /** Whole hours since 1970-01-01T00:00 of the local wall clock. */
  localHour: number;
  direction: CallDirection;
  statuses: Record<CallStatus, number>;
  /** Seconds of conversation of the answered calls. */
  talkSeconds: number;
  /** The longest answered call, in seconds (0 with none). */
  longestSeconds: number;
}

/** The calls with one other party (a user by CareFlow ID, else a phone, else the name). */
export interface ContactTally {
  /** As on the party's latest call in the period. */
  party: RecordParty;
  calls: number;
  answered: number;
  talkSeconds: number;
}

/** What a store hands back for a period: hours in any order, contacts ranked and cut. */
export interface AnalyticsTally {
  hours: HourTally[];
  contacts: ContactTally[];
}

export interface AnalyticsTotals {
  calls: number;
  made: number;
  received: number;
  answered: number;
  missed: number;
  declined: number;
  failed: number;
  voicemails: number;
  talkSeconds: number;
  talkMinutes: number;
  answerRate: number;
  averageSeconds: number;
  longestSeconds: number;
}

export interface DayPoint {
  date: string;
  calls: number;
  answered: number;
  missed: number;
  talkSeconds: number;
  /** Talk minutes, to one decimal. */
  minutes: number;
}

export interface AnalyticsReport {
  period: AnalyticsPeriod;
  scope: AnalyticsScope;
  totals: AnalyticsTotals;
  /** Every day of the period, in order, zeros included. */
  series: DayPoint[];
  /** Hours 0-23 of the local day. */
  hours: { hour: number; calls: number; answered: number }[];
  /** ISO weekdays 1 (Monday) to 7. */
  weekdays: { weekday: number; name: string; calls: number; answered: number }[];
  /** Calls by weekday (index 0 = Monday) and hour: `heatmap[weekday][hour]`. */
  heatmap: number[][];
  /** Every status, in the order of `CALL_STATUSES`. */
  outcomes: { status: CallStatus; calls: number }[];
  topContacts: ContactTally[];
}

/** Every status at zero. */
export function noStatuses(): Record<CallStatus, number> {
  // A plain loop: stores make one per hour of a period, tens of thousands per report.
  const statuses = {} as Record<CallStatus, number>;
  for (const status of CALL_STATUSES) statuses[status] = 0;
  return statuses;
}

/** What identifies a contact: CareFlow ID, else phone number, else shown name. */
export function contactKey(party: RecordParty): string {
  return party.care4wId ?? party.phone ?? party.displayName;
}

/** The ranking of `topContacts`: more calls, then more talk, then address order. */
export function compareContacts(a: ContactTally, b: ContactTally): number {
  const ka = contactKey(a.party);
  const kb = contactKey(b.party);
  return b.calls - a.calls || b.talkSeconds - a.talkSeconds || (ka < kb ? -1 : ka > kb ? 1 : 0);
}

const sum = (values: Record<CallStatus, number>) =>
  CALL_STATUSES.reduce((total, s) => total + values[s], 0);
const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** Folds a store's tally into the report for `period` (days outside it are clamped in). */
export function reportFromTally(
  tally: AnalyticsTally,
  period: AnalyticsPeriod,
  scope: AnalyticsScope,
): AnalyticsReport {
  const first = dayNumber(period.from);
  const last = dayNumber(period.to);
  const series = Array.from({ length: last - first + 1 }, (_, i): DayPoint => ({
    date: dateOfDay(first + i),
    calls: 0,
    answered: 0,
    missed: 0,
    talkSeconds: 0,
    minutes: 0,
  }));
  const heatmap = WEEKDAYS.map(() => new Array<number>(24).fill(0));
  const answeredHeat = WEEKDAYS.map(() => new Array<number>(24).fill(0));
  const statuses = noStatuses();
  const made = { outbound: 0, inbound: 0 };
  let talkSeconds = 0;
  let longestSeconds = 0;
  for (const hour of tally.hours) {
    const calls = sum(hour.statuses);
    const day = Math.min(last, Math.max(first, Math.floor(hour.localHour / 24)));
    const point = series[day - first];
    point.calls += calls;
    point.answered += hour.statuses[ANSWERED];
    point.missed += hour.statuses.missed;
    point.talkSeconds += hour.talkSeconds;
    // 1970-01-01 was a Thursday (index 3 from Monday).
    const weekday = (day + 3) % 7;
    heatmap[weekday][hour.localHour % 24] += calls;
    answeredHeat[weekday][hour.localHour % 24] += hour.statuses[ANSWERED];
    for (const status of CALL_STATUSES) statuses[status] += hour.statuses[status];
    made[hour.direction] += calls;
    talkSeconds += hour.talkSeconds;
    longestSeconds = Math.max(longestSeconds, hour.longestSeconds);
  }
  for (const point of series) point.minutes = round(point.talkSeconds / 60, 1);
  const calls = sum(statuses);
  const answered = statuses[ANSWERED];
  const column = (grid: number[][], h: number) => grid.reduce((n, row) => n + row[h], 0);
  const row = (grid: number[][], d: number) => grid[d].reduce((n, v) => n + v, 0);
  return {
    period,
    scope,
    totals: {
      calls,
      made: made.outbound,
      received: made.inbound,
      answered,
      missed: statuses.missed,
      declined: statuses.declined,
      failed: statuses.failed,
      voicemails: statuses.voicemail,
      talkSeconds,
      talkMinutes: round(talkSeconds / 60, 1),
      answerRate: calls === 0 ? 0 : round(answered / calls, 4),
      averageSeconds: answered === 0 ? 0 : Math.round(talkSeconds / answered),
      longestSeconds,
    },
    series,
    hours: Array.from({ length: 24 }, (_, hour) => ({
      hour,
      calls: column(heatmap, hour),
      answered: column(answeredHeat, hour),
    })),
    weekdays: WEEKDAYS.map((name, i) => ({
      weekday: i + 1,
      name,
      calls: row(heatmap, i),
      answered: row(answeredHeat, i),
    })),
    heatmap,
    outcomes: CALL_STATUSES.map((status) => ({ status, calls: statuses[status] })),
    topContacts: [...tally.contacts].sort(compareContacts).slice(0, TOP_CONTACTS),
  };
}

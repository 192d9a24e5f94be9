/**
 * Analytics from call records themselves: a period's bounds and zone offsets, and the reference
 * tally of a list of calls. Stores aggregate the same way in their query language; this is the
 * definition they are held to (`web/store/testing/analytics.ts`).
 */
import {
  type AnalyticsPeriod,
  type AnalyticsReport,
  type AnalyticsScope,
  type AnalyticsTally,
  ANSWERED,
  compareContacts,
  contactKey,
  type ContactTally,
  type HourTally,
  noStatuses,
  reportFromTally,
  TOP_CONTACTS,
} from "./analytics.ts";
import type { CallDirection, CallStatus, RecordParty } from "./calls.ts";
import {
  dateOfDay,
  dayNumber,
  localDayStart,
  type OffsetSegment,
  offsetSegments,
  segmentOffset,
  zoneClock,
} from "./time-zone.ts";

const HOUR_MS = 3_600_000;

/** One call as its viewer sees it: all analytics need of a record. */
export interface AnalyticsCall {
  direction: CallDirection;
  status: CallStatus;
  startedAt: Date;
  durationSeconds: number;
  /** The other party (for the organisation: the callee of calls made, the caller of others). */
  other: RecordParty;
}

/** The instants a period covers, [fromMs, toMs), and its zone's offsets over them. */
export interface PeriodBounds {
  fromMs: number;
  toMs: number;
  segments: OffsetSegment[];
}

/** Where the period's first day begins and the day after its last begins, and the offsets. */
export function periodBounds(period: AnalyticsPeriod): PeriodBounds {
  const clock = zoneClock(period.tz);
  const fromMs = localDayStart(clock, period.from);
  const toMs = localDayStart(clock, dateOfDay(dayNumber(period.to) + 1));
  return { fromMs, toMs, segments: offsetSegments(clock, fromMs, toMs) };
}

/** Whole hours since 1970-01-01T00:00 local time of the instant `ms`. */
export function localHourOf(segments: readonly OffsetSegment[], ms: number): number {
  return Math.floor((ms + segmentOffset(segments, ms)) / HOUR_MS);
}

/** The reference tally of `calls` (any order; those outside the period are left out). */
export function tallyCalls(calls: readonly AnalyticsCall[], bounds: PeriodBounds): AnalyticsTally {
  const hours = new Map<string, HourTally>();
  const contacts = new Map<string, ContactTally & { latest: number }>();
  for (const call of calls) {
    const at = call.startedAt.getTime();
    if (at < bounds.fromMs || at >= bounds.toMs) continue;
    const localHour = localHourOf(bounds.segments, at);
    const key = `${localHour}:${call.direction}`;
    let hour = hours.get(key);
    if (!hour) {
      hour = {
        localHour,
        direction: call.direction,
        statuses: noStatuses(),
        talkSeconds: 0,
        longestSeconds: 0,
      };
      hours.set(key, hour);
    }
    hour.statuses[call.status]++;
    const answered = call.status === ANSWERED;
    const talk = answered ? call.durationSeconds : 0;
    hour.talkSeconds += talk;
    hour.longestSeconds = Math.max(hour.longestSeconds, talk);
    const id = contactKey(call.other);
    const contact = contacts.get(id) ??
      { party: call.other, calls: 0, answered: 0, talkSeconds: 0, latest: at };
    contact.calls++;
    contact.answered += answered ? 1 : 0;
    contact.talkSeconds += talk;
    if (at >= contact.latest) [contact.latest, contact.party] = [at, call.other];
    contacts.set(id, contact);
  }
  const ranked = [...contacts.values()].map(({ latest: _, ...contact }) => contact)
    .sort(compareContacts).slice(0, TOP_CONTACTS);
  return { hours: [...hours.values()], contacts: ranked };
}

/** The analytics of a list of calls over `period`: the definition, for tests and small lists. */
export function analyticsFromCalls(
  calls: readonly AnalyticsCall[],
  period: AnalyticsPeriod,
  scope: AnalyticsScope = "user",
): AnalyticsReport {
  return reportFromTally(tallyCalls(calls, periodBounds(period)), period, scope);
}

/**
 * The analytics API's boundary: the query of `GET /api/analytics` (and its CSV export) and the
 * report it answers with, as zod schemas. The words are defined in `analytics.ts`.
 */
import { z } from "zod";
import { WEEKDAYS } from "./analytics.ts";
import { callStatusSchema, recordPartySchema } from "./schemas.ts";
import { dateOfDay, dayNumber, isTimeZone, localDateAt, zoneClock } from "./time-zone.ts";

/** The longest period one report covers: a year, leap day included. */
export const MAX_PERIOD_DAYS = 366;
/** Without `from`, a period is the 30 days up to `to`. */
export const DEFAULT_PERIOD_DAYS = 30;

/** A calendar day `YYYY-MM-DD` that exists (no 02-30), 1971 to 9998. */
export const CalendarDay = z.string().trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-11-21")
  // Zod runs every check, the regex's failure included: only a well-formed text is read as a day.
  .refine(
    (text) => /^\d{4}-\d{2}-\d{2}$/.test(text) && dateOfDay(dayNumber(text)) === text,
    "is not a real date",
  )
  .refine((text) => text >= "1971-01-01" && text < "9999-01-01", "is out of range");

/** An IANA time zone name this server knows, such as `Europe/London`. */
export const TimeZoneName = z.string().trim().max(64)
  .refine(isTimeZone, "must be a time zone such as Europe/London");

/** `GET /api/analytics` query; `from` and `to` default to the 30 days up to today (in `tz`). */
export const AnalyticsQuerySchema = z.object({
  from: CalendarDay.optional(),
  to: CalendarDay.optional(),
  tz: TimeZoneName.default("UTC"),
  scope: z.enum(["user", "organisation"]).default("user"),
}).strict();
export type AnalyticsQueryInput = z.infer<typeof AnalyticsQuerySchema>;

/** `GET /api/analytics/export.csv` query: a period of the user's own history. */
export const AnalyticsExportQuery = AnalyticsQuerySchema.omit({ scope: true });

/** A period with both ends, in order and at most `MAX_PERIOD_DAYS` long. */
export const PeriodSchema = z.object({ from: CalendarDay, to: CalendarDay, tz: TimeZoneName })
  .refine((p) => p.from <= p.to, { path: ["from"], message: "must not be after to" })
  .refine((p) => dayNumber(p.to) - dayNumber(p.from) < MAX_PERIOD_DAYS, {
    path: ["to"],
    message: `must be at most ${MAX_PERIOD_DAYS} days after from`,
  });

/** The query's period with its defaults filled in from `now`; still to be checked by `PeriodSchema`. */
export function periodWithDefaults(
  query: { from?: string; to?: string; tz: string },
  now: Date,
): { from: string; to: string; tz: string } {
  const to = query.to ?? localDateAt(zoneClock(query.tz), now.getTime());
  const from = query.from ?? dateOfDay(dayNumber(to) - (DEFAULT_PERIOD_DAYS - 1));
  return { from, to, tz: query.tz };
}

const count = z.number().int().min(0);
const counted = { calls: count, answered: count };

/** `GET /api/analytics`: the report (see `AnalyticsReport`). */
export const AnalyticsReportSchema = z.object({
  period: z.object({ from: z.string(), to: z.string(), tz: z.string() }),
  scope: z.enum(["user", "organisation"]),
  totals: z.object({
    calls: count,
    made: count,
    received: count,
    answered: count,
    missed: count,
    declined: count,
    failed: count,
    voicemails: count,
    talkSeconds: count,
    talkMinutes: z.number().min(0),
    answerRate: z.number().min(0).max(1),
    averageSeconds: count,
    longestSeconds: count,
  }).strict(),
  series: z.array(
    z.object({
      date: z.string(),
      ...counted,
      missed: count,
      talkSeconds: count,
      minutes: z.number().min(0),
    }).strict(),
  ),
  hours: z.array(z.object({ hour: z.number().int().min(0).max(23), ...counted })).length(24),
  weekdays: z.array(
    z.object({ weekday: z.number().int().min(1).max(7), name: z.enum(WEEKDAYS), ...counted }),
  ).length(7),
  heatmap: z.array(z.array(count).length(24)).length(7),
  outcomes: z.array(z.object({ status: callStatusSchema, calls: count })),
  topContacts: z.array(z.object({
    party: recordPartySchema.extend({ phone: z.string().nullable() }),
    calls: count,
    answered: count,
    talkSeconds: count,
  })),
}).strict();

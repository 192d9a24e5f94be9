/**
 * `/api/analytics`: a signed-in user's call analytics for a period in their time zone (admins
 * may ask for the whole organisation's), and the period's history as CSV.
 */
import { Hono } from "hono";
import type { AnalyticsPeriod } from "../../../shared/analytics.ts";
import { periodBounds } from "../../../shared/analytics-calls.ts";
import {
  AnalyticsExportQuery,
  AnalyticsQuerySchema,
  PeriodSchema,
  periodWithDefaults,
} from "../../../shared/analytics-api.ts";
import { problem, validationProblem } from "../../../shared/http/problem.ts";
import { queryOf } from "../../../shared/http/validate.ts";
import { localDateTimeAt, zoneClock } from "../../../shared/time-zone.ts";
import { analyticsReport } from "../../analytics/report.ts";
import { csvRow, HISTORY_CSV_HEADER, historyCsvRow } from "../../analytics/csv.ts";
import type { AppEnv } from "../../http/env.ts";
import { requireUser } from "../../middleware/session.ts";
import type { AnalyticsStore, CallStore } from "../../store/mod.ts";
import { callView } from "./calls.ts";

const DAY_MS = 86_400_000;
/** Calls read per store query while exporting: memory stays bounded whatever the history. */
const EXPORT_PAGE = 1000;

/**
 * The query's period, defaults filled in, checked: a 400 listing the fields when the ends are
 * out of order or too far apart.
 */
export function checkedPeriod(
  query: { from?: string; to?: string; tz: string },
  now: Date,
): AnalyticsPeriod {
  const parsed = PeriodSchema.safeParse(periodWithDefaults(query, now));
  if (!parsed.success) throw validationProblem(parsed.error, "query");
  return parsed.data;
}

/**
 * The user's calls of the period, oldest first, as CSV lines. The period is read a day at a
 * time (each day's calls page by page), so any history streams in bounded memory.
 */
async function* historyCsv(calls: CallStore, userId: string, period: AnalyticsPeriod) {
  const { fromMs, toMs } = periodBounds(period);
  const clock = zoneClock(period.tz);
  const local = (iso: string) => localDateTimeAt(clock, Date.parse(iso));
  yield csvRow(HISTORY_CSV_HEADER);
  for (let start = fromMs; start < toMs; start += DAY_MS) {
    const window = { from: new Date(start), to: new Date(Math.min(start + DAY_MS, toMs)) };
    const day = [];
    for (let page = 1;; page++) {
      const found = await calls.listCallsForUser(userId, { ...window, page, limit: EXPORT_PAGE });
      day.push(...found.calls);
      if (page * EXPORT_PAGE >= found.total) break;
    }
    // The history is newest first; a spreadsheet reads best oldest first.
    yield day.reverse().map((call) => historyCsvRow(callView(call, userId), local)).join("");
  }
}

/** `/api/analytics/*`. */
export function analyticsRoutes(
  deps: { analytics: AnalyticsStore; calls: CallStore; now?: () => Date },
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? (() => new Date());

  app.get("/", requireUser, queryOf(AnalyticsQuerySchema), async (c) => {
    const query = c.req.valid("query");
    const user = c.get("user")!;
    if (query.scope === "organisation" && user.role !== "admin") {
      throw problem(403, "Only admins see the organisation's analytics.");
    }
    const period = checkedPeriod(query, now());
    const report = await analyticsReport(deps.analytics, {
      userId: user.id,
      scope: query.scope,
      period,
    });
    c.header("cache-control", "private, no-store");
    return c.json(report);
  });

  app.get("/export.csv", requireUser, queryOf(AnalyticsExportQuery), (c) => {
    const user = c.get("user")!;
    const period = checkedPeriod(c.req.valid("query"), now());
    const lines = ReadableStream.from(historyCsv(deps.calls, user.id, period));
    c.header("content-type", "text/csv; charset=utf-8");
    c.header(
      "content-disposition",
      `attachment; filename="careflow-calls-${period.from}-to-${period.to}.csv"`,
    );
    c.header("cache-control", "private, no-store");
    return c.body(lines.pipeThrough(new TextEncoderStream()));
  });

  return app;
}

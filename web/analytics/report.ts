/**
 * The analytics report of a period: the zone's bounds and offsets worked out here, the calls
 * tallied by the store, folded by the shared definition. Used by the API and the dashboard.
 */
import {
  type AnalyticsPeriod,
  type AnalyticsReport,
  type AnalyticsScope,
  reportFromTally,
  TOP_CONTACTS,
} from "../../shared/analytics.ts";
import { periodBounds } from "../../shared/analytics-calls.ts";
import type { AnalyticsStore } from "../store/analytics.ts";

/**
 * The report of `userId`'s calls over `period`, or, with `scope` organisation, of every call
 * (the caller decides who may ask for that).
 */
export async function analyticsReport(
  store: AnalyticsStore,
  request: { userId: string; scope: AnalyticsScope; period: AnalyticsPeriod },
): Promise<AnalyticsReport> {
  const { period, scope } = request;
  const bounds = periodBounds(period);
  const tally = await store.analyticsTally({
    scope: scope === "organisation" ? "organisation" : { userId: request.userId },
    from: new Date(bounds.fromMs),
    to: new Date(bounds.toMs),
    offsets: bounds.segments,
    contactLimit: TOP_CONTACTS,
  });
  return reportFromTally(tally, period, scope);
}

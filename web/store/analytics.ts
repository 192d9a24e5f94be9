/**
 * Call analytics, aggregated where the calls are kept: a period's calls per local hour and
 * direction, and per other party. The store is given the period's instants and its zone's
 * offsets (`shared/time-zone.ts`), so it turns instants into local hours exactly without knowing
 * time zones; `shared/analytics.ts` folds the tally into the report.
 */
import type { AnalyticsTally } from "../../shared/analytics.ts";
import type { OffsetSegment } from "../../shared/time-zone.ts";

export interface AnalyticsQuery {
  /**
   * Whose calls: one user's, direction as in their history (a self-call once, as outbound), or
   * the whole organisation's, each call once (outbound when a CareFlow user placed it).
   */
  scope: { userId: string } | "organisation";
  /** Calls that started in [from, to). */
  from: Date;
  to: Date;
  /** Local time is UTC plus the offset of the last segment starting at or before a call. */
  offsets: readonly OffsetSegment[];
  /** How many contacts to rank (see `compareContacts`). */
  contactLimit: number;
}

export interface AnalyticsStore {
  /** The period's calls as per-hour and per-contact tallies (see `AnalyticsTally`). */
  analyticsTally(query: AnalyticsQuery): Promise<AnalyticsTally>;
}

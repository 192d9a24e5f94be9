/**
 * What the Admin section shows for a request, read on the server: the organisation's analytics
 * totals (the report the API computes), a page of the access trail for the section's GET form
 * (an invalid filter is shown back with its errors, not refused) and system health. A part that
 * cannot be read is shown as unavailable; the page still renders.
 */
import type { VNode } from "preact";
import {
  AnalyticsQuerySchema,
  PeriodSchema,
  periodWithDefaults,
} from "../../../shared/analytics-api.ts";
import type { AnalyticsReport } from "../../../shared/analytics.ts";
import type { SystemHealth } from "../../admin/health.ts";
import { trailPage, TrailQueryInput, type TrailSources } from "../../admin/trail.ts";
import { analyticsReport } from "../../analytics/report.ts";
import type { AnalyticsStore, User } from "../../store/mod.ts";
import { AdminSection, type AdminView } from "./AdminSection.tsx";
import type { TrailValues } from "./TrailTable.tsx";

/** Where the section's data comes from (the app's store and its health reader). */
export interface AdminSources extends TrailSources {
  analytics: AnalyticsStore;
  health: () => Promise<SystemHealth>;
}

/** The organisation's report of the default period (the 30 days up to today, in UTC). */
async function organisation(user: User, analytics: AnalyticsStore): Promise<AnalyticsReport> {
  const query = AnalyticsQuerySchema.parse({ scope: "organisation" });
  const period = PeriodSchema.parse(periodWithDefaults(query, new Date()));
  return await analyticsReport(analytics, { userId: user.id, scope: "organisation", period });
}

/** The trail part of the view for the page's query. */
async function trailView(
  query: Record<string, string>,
  sources: TrailSources,
): Promise<AdminView["trail"]> {
  const values: TrailValues = {
    user: query.user ?? "",
    recording: query.recording ?? "",
    from: query.from ?? "",
    to: query.to ?? "",
    tz: query.tz || "UTC",
  };
  const known = Object.fromEntries(
    ["user", "recording", "from", "to", "tz", "page"].flatMap((key) =>
      query[key] === undefined ? [] : [[key, query[key]]]
    ),
  );
  const parsed = TrailQueryInput.safeParse(known);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      errors[String(issue.path[0] ?? "from")] ??= issue.message;
    }
    return { kind: "invalid", values, errors };
  }
  return { kind: "page", values, page: await trailPage(sources, parsed.data) };
}

/** The view, each part read on its own so one failing part leaves the others. */
export async function adminView(
  user: User,
  query: Record<string, string>,
  sources: AdminSources,
): Promise<AdminView> {
  const [report, trail, health] = await Promise.all([
    organisation(user, sources.analytics).catch(() => null),
    trailView(query, sources).catch(() => ({ kind: "unavailable" as const })),
    sources.health().catch(() => null),
  ]);
  return { organisation: report, trail, health };
}

/** The rendered section (`Section.load` of sections.tsx); only admins get here. */
export async function loadAdminSection(
  user: User,
  query: Record<string, string>,
  sources: AdminSources | undefined,
): Promise<VNode> {
  const view: AdminView = sources
    ? await adminView(user, query, sources)
    : { organisation: null, trail: { kind: "unavailable" }, health: null };
  return <AdminSection me={user.care4wId} view={view} />;
}

/**
 * What the Analytics section shows for a request: its GET form's query validated with the API's
 * schemas (an invalid period is shown back with its errors, not refused), the report from the
 * store as the API computes it, the organisation's only for admins.
 */
import type { VNode } from "preact";
import {
  AnalyticsQuerySchema,
  PeriodSchema,
  periodWithDefaults,
} from "../../../shared/analytics-api.ts";
import { analyticsReport } from "../../analytics/report.ts";
import {
  type AnalyticsStore,
  settingsOfUser,
  type User,
  type UserSettingsStore,
} from "../../store/mod.ts";
import { AnalyticsSection, type AnalyticsView } from "./AnalyticsSection.tsx";
import { DEVICE_ZONE } from "../../../shared/settings.ts";

/** The first message per field of a failed validation. */
function fieldErrors(issues: { path: PropertyKey[]; message: string }[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) errors[String(issue.path[0] ?? "from")] ??= issue.message;
  return errors;
}

/**
 * Where the section's data comes from. The app's store is also the settings store: the user's
 * display time zone is then the period's default zone (UTC without it).
 */
export type AnalyticsSource = AnalyticsStore & Partial<Pick<UserSettingsStore, "getUserSettings">>;

/** The user's display time zone, when the source knows their settings. */
async function displayZone(user: User, source: AnalyticsSource): Promise<string | undefined> {
  if (!source.getUserSettings) return undefined;
  const read = { getUserSettings: source.getUserSettings.bind(source) };
  const zone = (await settingsOfUser(read, user.id)).display.timezone;
  // The device's own zone is not known to the server: the period's zone is then UTC.
  return zone === DEVICE_ZONE ? undefined : zone;
}

/** The section's view for `user` and the page's query. */
export async function analyticsView(
  user: User,
  query: Record<string, string>,
  analytics: AnalyticsSource,
  now: Date,
): Promise<AnalyticsView> {
  const asked = {
    from: query.from || undefined,
    to: query.to || undefined,
    tz: query.tz || await displayZone(user, analytics),
    scope: query.scope || undefined,
  };
  const parsed = AnalyticsQuerySchema.safeParse(asked);
  const tz = parsed.success ? parsed.data.tz : "UTC";
  const scope = parsed.success && parsed.data.scope === "organisation" && user.role === "admin"
    ? "organisation" as const
    : "user" as const;
  if (!parsed.success) {
    const values = { from: asked.from ?? "", to: asked.to ?? "", tz: asked.tz ?? tz, scope };
    return { kind: "invalid", values, errors: fieldErrors(parsed.error.issues) };
  }
  const period = PeriodSchema.safeParse(periodWithDefaults(parsed.data, now));
  const values = { ...periodWithDefaults(parsed.data, now), scope };
  if (!period.success) return { kind: "invalid", values, errors: fieldErrors(period.error.issues) };
  const report = await analyticsReport(analytics, { userId: user.id, scope, period: period.data });
  return { kind: "report", values, report };
}

/** The rendered section (`Section.load` of sections.tsx). */
export async function loadAnalyticsSection(
  user: User,
  query: Record<string, string>,
  analytics: AnalyticsSource | undefined,
): Promise<VNode> {
  const view: AnalyticsView = analytics
    ? await analyticsView(user, query, analytics, new Date())
    : { kind: "unavailable" };
  return <AnalyticsSection view={view} admin={user.role === "admin"} />;
}

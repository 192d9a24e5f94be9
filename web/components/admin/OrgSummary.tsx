/** The organisation's call totals in the Admin section, linking to the full analytics. */
import type { AnalyticsReport } from "../../../shared/analytics.ts";

/** The period's key figures and a link to the organisation view of Analytics. */
export function OrgSummary(props: { report: AnalyticsReport | null }) {
  const { report } = props;
  if (!report) return <p class="notice">The organisation's analytics are not available here.</p>;
  const t = report.totals;
  const figures: [string, string][] = [
    ["Calls", `${t.calls}`],
    ["Answered", `${t.answered}`],
    ["Missed", `${t.missed}`],
    ["Answer rate", `${Math.round(t.answerRate * 1000) / 10}%`],
    ["Voicemails", `${t.voicemails}`],
    ["Talk time", `${t.talkMinutes} min`],
  ];
  const { from, to, tz } = report.period;
  const href = `/dashboard/analytics?${new URLSearchParams({
    scope: "organisation",
    from,
    to,
    tz,
  })}`;
  return (
    <>
      <p class="hint">
        Everyone's calls from {from} to {to} ({tz}).
      </p>
      <dl class="figures" data-testid="organisation-totals">
        {figures.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p>
        <a href={href}>The organisation's charts, busiest hours and top contacts</a>
      </p>
    </>
  );
}

/**
 * The Analytics section: the period picker, the key figures, the charts and a CSV export of the
 * period's history. Everything is rendered on the server; the section ships no script.
 */
import type { AnalyticsReport } from "../../../shared/analytics.ts";
import { DailyChart, HeatMap, OutcomeChart } from "./charts.tsx";
import { PeriodForm, type PeriodValues } from "./PeriodForm.tsx";

/** What the section shows: a report, the form's errors, or nothing to show it from. */
export type AnalyticsView =
  | { kind: "report"; values: PeriodValues; report: AnalyticsReport }
  | { kind: "invalid"; values: PeriodValues; errors: Record<string, string> }
  | { kind: "unavailable" };

const seconds = (n: number) =>
  n < 60
    ? `${n}s`
    : n < 3600
    ? `${Math.floor(n / 60)}m ${n % 60}s`
    : `${Math.floor(n / 3600)}h ${Math.floor((n % 3600) / 60)}m`;

/** The key figures as a definition list (label, value). */
function Totals({ report }: { report: AnalyticsReport }) {
  const t = report.totals;
  const figures: [string, string][] = [
    ["Calls", `${t.calls}`],
    ["Made / received", `${t.made} / ${t.received}`],
    ["Answered", `${t.answered}`],
    ["Answer rate", `${Math.round(t.answerRate * 1000) / 10}%`],
    ["Missed", `${t.missed}`],
    ["Declined", `${t.declined}`],
    ["Failed", `${t.failed}`],
    ["Voicemails", `${t.voicemails}`],
    ["Talk time", `${t.talkMinutes} min`],
    ["Average call", seconds(t.averageSeconds)],
    ["Longest call", seconds(t.longestSeconds)],
  ];
  return (
    <dl class="figures" data-testid="analytics-totals">
      {figures.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function TopContacts({ report }: { report: AnalyticsReport }) {
  if (report.topContacts.length === 0) return null;
  return (
    <>
      <h2>Top contacts</h2>
      <table class="calls" data-testid="top-contacts">
        <thead>
          <tr>
            <th scope="col">Who</th>
            <th scope="col">Calls</th>
            <th scope="col">Answered</th>
            <th scope="col">Talk</th>
          </tr>
        </thead>
        <tbody>
          {report.topContacts.map((c) => (
            <tr key={c.party.care4wId ?? c.party.phone ?? c.party.displayName}>
              <td>
                <strong>{c.party.displayName}</strong>
                {/* An outside number's name is often the number: said once, not twice. */}
                {(c.party.care4wId ?? c.party.phone) &&
                  (c.party.care4wId ?? c.party.phone) !== c.party.displayName && (
                  <>
                    <br />
                    <code>{c.party.care4wId ?? c.party.phone}</code>
                  </>
                )}
              </td>
              <td>{c.calls}</td>
              <td>{c.answered}</td>
              <td>{seconds(c.talkSeconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The section, for any of its views. */
export function AnalyticsSection(props: { view: AnalyticsView; admin: boolean }) {
  const { view } = props;
  return (
    <section class="card analytics" aria-labelledby="analytics-title">
      <h1 id="analytics-title">Analytics</h1>
      {view.kind === "unavailable"
        ? (
          <p class="hint" role="status">
            Analytics cannot be shown right now. Please try again later.
          </p>
        )
        : (
          <PeriodForm
            values={view.values}
            admin={props.admin}
            errors={view.kind === "invalid" ? view.errors : undefined}
          />
        )}
      {view.kind === "invalid" && (
        <p class="form-error" role="alert">Check the period and try again.</p>
      )}
      {view.kind === "report" && <Report report={view.report} />}
    </section>
  );
}

function Report({ report }: { report: AnalyticsReport }) {
  const { from, to, tz } = report.period;
  const csv = `/api/analytics/export.csv?${new URLSearchParams({ from, to, tz })}`;
  const whose = report.scope === "organisation" ? "the organisation's calls" : "your calls";
  return (
    <>
      <p class="hint">
        {`${from} to ${to} (${tz}), ${whose}.`}{" "}
        {report.scope === "user" && <a href={csv} download>Download this period's history (CSV)</a>}
      </p>
      <Totals report={report} />
      {report.totals.calls === 0 && <p class="hint">No calls in this period.</p>}
      <div class="charts">
        <DailyChart report={report} />
        <HeatMap report={report} />
        <OutcomeChart report={report} />
      </div>
      <TopContacts report={report} />
    </>
  );
}

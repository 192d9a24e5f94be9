/**
 * The analytics charts, as server-rendered SVG: no chart library, no script. Each is a figure
 * with a title and description for screen readers and the numbers as a table behind it. The
 * viewBox is narrow (360 units) and the SVG 100% wide, so the text stays readable on a phone.
 */
import type { ComponentChildren } from "preact";
import type { AnalyticsReport } from "../../../shared/analytics.ts";
import { STATUS_LABELS } from "../history/HistoryFilters.tsx";

const WIDTH = 360;

/** A chart with its accessible name and description, and its data table folded away. */
function Chart(
  props: {
    id: string;
    title: string;
    description: string;
    height: number;
    children: ComponentChildren;
    table: ComponentChildren;
  },
) {
  return (
    <figure class="chart" data-testid={`chart-${props.id}`}>
      <figcaption id={`${props.id}-title`}>{props.title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${props.height}`}
        width="100%"
        role="img"
        aria-labelledby={`${props.id}-svg-title ${props.id}-svg-desc`}
      >
        <title id={`${props.id}-svg-title`}>{props.title}</title>
        <desc id={`${props.id}-svg-desc`}>{props.description}</desc>
        {props.children}
      </svg>
      <details>
        <summary>Show the numbers</summary>
        <table class="chart-data">{props.table}</table>
      </details>
    </figure>
  );
}

/** Calls per day as bars (answered darker) and talk minutes as a line on its own scale. */
export function DailyChart({ report }: { report: AnalyticsReport }) {
  const { series } = report;
  const height = 190;
  const [left, top, bottom] = [30, 12, 24];
  const plot = { w: WIDTH - left - 8, h: height - top - bottom };
  const maxCalls = Math.max(1, ...series.map((d) => d.calls));
  const maxMinutes = Math.max(1, ...series.map((d) => d.minutes));
  const step = plot.w / series.length;
  const y = (v: number, max: number) => top + plot.h - (v / max) * plot.h;
  const line = series.map((d, i) =>
    `${(left + step * (i + 0.5)).toFixed(1)},${y(d.minutes, maxMinutes).toFixed(1)}`
  ).join(" ");
  const busiest = series.reduce((a, b) => (b.calls > a.calls ? b : a), series[0]);
  return (
    <Chart
      id="daily"
      title="Calls and talk minutes per day"
      description={`${series.length} days from ${series[0].date} to ${
        series[series.length - 1].date
      }; busiest ${busiest.date} with ${busiest.calls} calls.`}
      height={height}
      table={
        <>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Calls</th>
              <th scope="col">Answered</th>
              <th scope="col">Missed</th>
              <th scope="col">Minutes</th>
            </tr>
          </thead>
          <tbody>
            {series.map((d) => (
              <tr key={d.date}>
                <th scope="row">{d.date}</th>
                <td>{d.calls}</td>
                <td>{d.answered}</td>
                <td>{d.missed}</td>
                <td>{d.minutes}</td>
              </tr>
            ))}
          </tbody>
        </>
      }
    >
      <line class="axis" x1={left} y1={top + plot.h} x2={WIDTH - 8} y2={top + plot.h} />
      <text class="tick" x={left - 4} y={top + 4} text-anchor="end">{maxCalls}</text>
      <text class="tick" x={left - 4} y={top + plot.h} text-anchor="end">0</text>
      {series.map((d, i) => {
        const x = left + step * i + step * 0.1;
        const w = Math.max(0.5, step * 0.8);
        return (
          <g key={d.date}>
            <rect
              class="bar"
              x={x}
              y={y(d.calls, maxCalls)}
              width={w}
              height={top + plot.h - y(d.calls, maxCalls)}
            />
            <rect
              class="bar-answered"
              x={x}
              y={y(d.answered, maxCalls)}
              width={w}
              height={top + plot.h - y(d.answered, maxCalls)}
            />
          </g>
        );
      })}
      <polyline class="minutes-line" points={line} />
      <text class="tick" x={left} y={height - 6}>{series[0].date}</text>
      <text class="tick" x={WIDTH - 8} y={height - 6} text-anchor="end">
        {series[series.length - 1].date}
      </text>
    </Chart>
  );
}

const SHORT_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Calls by hour of day (columns) and weekday (rows), darker when busier. */
export function HeatMap({ report }: { report: AnalyticsReport }) {
  const [left, top, cell] = [30, 16, (WIDTH - 30 - 4) / 24];
  const rowHeight = 18;
  const height = top + rowHeight * 7 + 4;
  const max = Math.max(1, ...report.heatmap.flat());
  const busiest = report.hours.reduce((a, b) => (b.calls > a.calls ? b : a));
  const busiestDay = report.weekdays.reduce((a, b) => (b.calls > a.calls ? b : a));
  return (
    <Chart
      id="heatmap"
      title="Busiest hours and weekdays"
      description={`Calls by hour of day and weekday. Busiest hour ${busiest.hour}:00 (${busiest.calls} calls); busiest weekday ${busiestDay.name} (${busiestDay.calls} calls).`}
      height={height}
      table={
        <>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {report.hours.map((h) => <th scope="col" key={h.hour}>{h.hour}</th>)}
            </tr>
          </thead>
          <tbody>
            {report.heatmap.map((row, d) => (
              <tr key={d}>
                <th scope="row">{SHORT_DAYS[d]}</th>
                {row.map((n, h) => <td key={h}>{n}</td>)}
              </tr>
            ))}
          </tbody>
        </>
      }
    >
      {[0, 6, 12, 18].map((h) => (
        <text class="tick" key={h} x={left + h * cell} y={top - 5}>{`${h}:00`}</text>
      ))}
      {report.heatmap.map((row, d) => (
        <g key={d}>
          <text class="tick" x={left - 4} y={top + d * rowHeight + 12} text-anchor="end">
            {SHORT_DAYS[d]}
          </text>
          {row.map((n, h) => (
            <rect
              key={h}
              class="heat"
              x={left + h * cell + 0.5}
              y={top + d * rowHeight + 1}
              width={cell - 1}
              height={rowHeight - 2}
              fill-opacity={n === 0 ? 0.06 : 0.15 + 0.85 * (n / max)}
            >
              <title>{`${SHORT_DAYS[d]} ${h}:00: ${n} calls`}</title>
            </rect>
          ))}
        </g>
      ))}
    </Chart>
  );
}

/** How calls ended: one bar per status. */
export function OutcomeChart({ report }: { report: AnalyticsReport }) {
  const [label, gap, rowHeight] = [82, 40, 22];
  const height = report.outcomes.length * rowHeight + 6;
  const max = Math.max(1, ...report.outcomes.map((o) => o.calls));
  const barWidth = WIDTH - label - gap;
  return (
    <Chart
      id="outcomes"
      title="How calls ended"
      description={report.outcomes.map((o) => `${STATUS_LABELS[o.status]}: ${o.calls}`).join(", ")}
      height={height}
      table={
        <>
          <thead>
            <tr>
              <th scope="col">Outcome</th>
              <th scope="col">Calls</th>
            </tr>
          </thead>
          <tbody>
            {report.outcomes.map((o) => (
              <tr key={o.status}>
                <th scope="row">{STATUS_LABELS[o.status]}</th>
                <td>{o.calls}</td>
              </tr>
            ))}
          </tbody>
        </>
      }
    >
      {report.outcomes.map((o, i) => (
        <g key={o.status}>
          <text class="label" x={label - 6} y={i * rowHeight + 16} text-anchor="end">
            {STATUS_LABELS[o.status]}
          </text>
          <rect
            class={`outcome outcome-${o.status}`}
            x={label}
            y={i * rowHeight + 4}
            height={rowHeight - 8}
            width={Math.max(o.calls > 0 ? 1 : 0, (o.calls / max) * barWidth)}
          />
          <text class="tick" x={label + (o.calls / max) * barWidth + 4} y={i * rowHeight + 16}>
            {o.calls}
          </text>
        </g>
      ))}
    </Chart>
  );
}

/**
 * The recordings access trail in the Admin section: a plain GET form of filters (who, which
 * recording, which days) and a table of what was done, newest first, with links to more pages.
 * Rendered on the server; works without script.
 */
import type { AdminTrailPage } from "../../admin/trail.ts";
import { COMMON_ZONES } from "../analytics/zones.ts";

/** The filters as typed (shown back as they were, errors included). */
export interface TrailValues {
  user: string;
  recording: string;
  from: string;
  to: string;
  tz: string;
}

const ACTIONS: Record<string, string> = {
  play: "Played",
  download: "Downloaded",
  delete: "Deleted",
  archive: "Archived",
  unarchive: "Unarchived",
  purge: "Purged",
};

/** The section's address with these filters and `page` (kept in the part of the page it shows). */
export function trailHref(values: TrailValues, page: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  if (page > 1) params.set("page", String(page));
  return `/dashboard/admin?${params}#access-trail`;
}

/** The filter form; errors by the field they concern. */
export function TrailForm(props: { values: TrailValues; errors: Record<string, string> }) {
  const { values, errors } = props;
  const zones = COMMON_ZONES.includes(values.tz) ? COMMON_ZONES : [values.tz, ...COMMON_ZONES];
  const field = (name: keyof TrailValues, label: string, type: "text" | "date", hint?: string) => {
    const common = {
      name,
      value: values[name],
      "aria-invalid": errors[name] ? "true" as const : undefined,
      "aria-describedby": errors[name] ? `trail-${name}-error` : undefined,
    };
    return (
      <label>
        {label}
        {type === "date"
          ? <input type="date" {...common} />
          : <input type="text" placeholder={hint} autocomplete="off" {...common} />}
        {errors[name] && <span class="field-error" id={`trail-${name}-error`}>{errors[name]}</span>}
      </label>
    );
  };
  return (
    <form
      method="get"
      action="/dashboard/admin#access-trail"
      class="filters trail-filters"
      data-testid="trail-form"
    >
      {field("user", "Who (CareFlow ID)", "text", "care4w-1000001")}
      {field("recording", "Recording", "text")}
      {field("from", "From", "date")}
      {field("to", "To", "date")}
      <label>
        Time zone
        <select name="tz">
          {zones.map((zone) => (
            <option key={zone} value={zone} selected={zone === values.tz}>{zone}</option>
          ))}
        </select>
      </label>
      <button type="submit" class="button small">Show</button>
      {errors.page && <span class="field-error">Page {errors.page}</span>}
    </form>
  );
}

/** The page of entries, or why there are none. */
export function TrailTable(props: { page: AdminTrailPage; values: TrailValues; tz: string }) {
  const { page, values } = props;
  const when = new Intl.DateTimeFormat("en-GB", {
    dateStyle: "medium",
    timeStyle: "medium",
    timeZone: props.tz,
  });
  if (page.entries.length === 0) {
    return (
      <p class="notice" data-testid="trail-empty">
        {page.page > 1 ? "No more entries." : "Nothing in the access trail matches."}
      </p>
    );
  }
  return (
    <>
      <table class="calls trail" data-testid="access-trail">
        <caption class="visually-hidden">Recordings access trail, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">Who</th>
            <th scope="col">Recording</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {page.entries.map((entry) => (
            <tr key={entry.seq}>
              <td>
                <time dateTime={entry.at}>{when.format(new Date(entry.at))}</time>
              </td>
              <td>{ACTIONS[entry.action] ?? entry.action}</td>
              <td>
                {entry.actor
                  ? (
                    <>
                      {entry.actor.displayName} <code>{entry.actor.care4wId}</code>
                    </>
                  )
                  : "CareFlow (retention)"}
              </td>
              <td>
                <code>{entry.recordingId}</code>
              </td>
              <td class="trail-source">{entry.ip ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Access trail pages">
        {page.page > 1 ? <a href={trailHref(values, page.page - 1)}>Newer</a> : <span />}
        <span>Page {page.page}</span>
        {page.next ? <a href={trailHref(values, page.next)}>Older</a> : <span />}
      </nav>
    </>
  );
}

/** The period picker: a plain GET form, so it works before (and without) any script. */
import { COMMON_ZONES } from "./zones.ts";

export interface PeriodValues {
  from: string;
  to: string;
  tz: string;
  scope: "user" | "organisation";
}

/** From, to, time zone and (for admins) whose calls; errors shown by the field they concern. */
export function PeriodForm(
  props: { values: PeriodValues; admin: boolean; errors?: Record<string, string> },
) {
  const { values, errors = {} } = props;
  const zones = COMMON_ZONES.includes(values.tz) ? COMMON_ZONES : [values.tz, ...COMMON_ZONES];
  const error = (field: string) =>
    errors[field] && (
      <span class="field-error" id={`analytics-${field}-error`}>{errors[field]}</span>
    );
  const described = (field: string) => (errors[field] ? `analytics-${field}-error` : undefined);
  return (
    <form
      method="get"
      action="/dashboard/analytics"
      class="filters period"
      data-testid="period-form"
    >
      <label>
        From
        <input
          type="date"
          name="from"
          value={values.from}
          required
          aria-describedby={described("from")}
        />
        {error("from")}
      </label>
      <label>
        To
        <input
          type="date"
          name="to"
          value={values.to}
          required
          aria-describedby={described("to")}
        />
        {error("to")}
      </label>
      <label>
        Time zone
        <select name="tz" aria-describedby={described("tz")}>
          {zones.map((zone) => (
            <option key={zone} value={zone} selected={zone === values.tz}>{zone}</option>
          ))}
        </select>
        {error("tz")}
      </label>
      {props.admin && (
        <label>
          Calls of
          <select name="scope">
            <option value="user" selected={values.scope === "user"}>Me</option>
            <option value="organisation" selected={values.scope === "organisation"}>
              The organisation
            </option>
          </select>
        </label>
      )}
      <button type="submit" class="button">Show</button>
    </form>
  );
}

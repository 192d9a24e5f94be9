/** What the recordings list is filtered by; "" means any. */
export interface RecordingFilterValues {
  q: string;
  /** "call", or "" for calls and voicemail together. */
  type: "" | "call";
  direction: "" | "inbound" | "outbound";
  status: "" | "active" | "archived";
  from: string;
  to: string;
  sort: "newest" | "oldest";
}

export const DEFAULT_FILTERS: RecordingFilterValues = {
  q: "",
  type: "call",
  direction: "",
  status: "",
  from: "",
  to: "",
  sort: "newest",
};

/** The query string of `filters` and `page`, with empty filters left out. */
export function recordingQuery(filters: RecordingFilterValues, page: number, limit: number) {
  const query = new URLSearchParams({ page: String(page), limit: String(limit) });
  for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value.trim());
  if (!query.get("q")) query.delete("q");
  return query;
}

type Change = (name: keyof RecordingFilterValues, value: string) => void;

function Choice(props: {
  label: string;
  name: keyof RecordingFilterValues;
  value: string;
  options: [string, string][];
  onChange: Change;
}) {
  return (
    <label>
      {props.label}
      <select
        value={props.value}
        onChange={(event) => props.onChange(props.name, event.currentTarget.value)}
      >
        {props.options.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
      </select>
    </label>
  );
}

/** The search, filter and sort controls above the recordings. */
export function RecordingFilters(props: { filters: RecordingFilterValues; onChange: Change }) {
  const { filters, onChange } = props;
  return (
    <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
      <label>
        Search
        <input
          type="search"
          placeholder="Name, ID, note or tag"
          value={filters.q}
          onInput={(event) => onChange("q", event.currentTarget.value)}
        />
      </label>
      <Choice
        label="Show"
        name="type"
        value={filters.type}
        options={[["call", "Call recordings"], ["", "Calls and voicemail"]]}
        onChange={onChange}
      />
      <Choice
        label="Direction"
        name="direction"
        value={filters.direction}
        options={[["", "All"], ["inbound", "Incoming"], ["outbound", "Outgoing"]]}
        onChange={onChange}
      />
      <Choice
        label="Status"
        name="status"
        value={filters.status}
        options={[["", "All"], ["active", "Active"], ["archived", "Archived"]]}
        onChange={onChange}
      />
      <label>
        From
        <input
          type="date"
          value={filters.from}
          onChange={(event) => onChange("from", event.currentTarget.value)}
        />
      </label>
      <label>
        To
        <input
          type="date"
          value={filters.to}
          onChange={(event) => onChange("to", event.currentTarget.value)}
        />
      </label>
      <Choice
        label="Sort"
        name="sort"
        value={filters.sort}
        options={[["newest", "Newest first"], ["oldest", "Oldest first"]]}
        onChange={onChange}
      />
    </form>
  );
}

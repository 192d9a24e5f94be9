import { Choice, DateField, SearchField } from "../filters.tsx";

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

/** The search, filter and sort controls above the recordings. */
export function RecordingFilters(props: { filters: RecordingFilterValues; onChange: Change }) {
  const { filters, onChange } = props;
  return (
    <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
      <SearchField
        placeholder="Name, ID, note or tag"
        value={filters.q}
        onInput={(value) => onChange("q", value)}
      />
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
      <DateField label="From" name="from" value={filters.from} onChange={onChange} />
      <DateField label="To" name="to" value={filters.to} onChange={onChange} />
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

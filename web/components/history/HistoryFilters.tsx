import { Choice, DateField, SearchField } from "../filters.tsx";
import { CALL_STATUSES, type CallDirection, type CallStatus } from "../../../shared/calls.ts";

/** What the history is filtered by; "" means any. */
export interface Filters {
  direction: "" | CallDirection;
  status: "" | CallStatus;
  from: string;
  to: string;
  q: string;
}

export const NO_FILTERS: Filters = { direction: "", status: "", from: "", to: "", q: "" };

/** How each status reads in the history. */
export const STATUS_LABELS: Record<CallStatus, string> = {
  completed: "Completed",
  missed: "Missed",
  declined: "Declined",
  cancelled: "Cancelled",
  unavailable: "Unavailable",
  busy: "Busy",
  voicemail: "Voicemail",
  failed: "Failed",
};

const DIRECTIONS = [["", "All"], ["inbound", "Incoming"], ["outbound", "Outgoing"]] as const;
const STATUSES = [
  ["", "All"],
  ...CALL_STATUSES.map((status) => [status, STATUS_LABELS[status]] as const),
] as const;

/**
 * The search and filter controls above the history, folded into "Filters" on a phone (a
 * `<details>`, so it opens without JavaScript too; wider screens always show them, history.css).
 */
export function HistoryFilters(props: {
  filters: Filters;
  onChange(name: keyof Filters, value: string): void;
}) {
  const { filters, onChange } = props;
  const active = Object.values(filters).filter(Boolean).length;
  return (
    <details class="filter-box" data-testid="history-filters">
      <summary>Filters{active > 0 && ` (${active} on)`}</summary>
      <FilterForm filters={filters} onChange={onChange} />
    </details>
  );
}

function FilterForm(props: {
  filters: Filters;
  onChange(name: keyof Filters, value: string): void;
}) {
  const { filters, onChange } = props;
  return (
    <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
      <SearchField
        placeholder="Name or CareFlow ID"
        value={filters.q}
        onInput={(value) => onChange("q", value)}
      />
      <Choice
        label="Direction"
        name="direction"
        value={filters.direction}
        options={DIRECTIONS}
        onChange={onChange}
      />
      <Choice
        label="Status"
        name="status"
        value={filters.status}
        options={STATUSES}
        onChange={onChange}
      />
      <DateField label="From" name="from" value={filters.from} onChange={onChange} />
      <DateField label="To" name="to" value={filters.to} onChange={onChange} />
    </form>
  );
}

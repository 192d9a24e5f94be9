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

/** The search and filter controls above the history. */
export function HistoryFilters(props: {
  filters: Filters;
  onChange(name: keyof Filters, value: string): void;
}) {
  const { filters, onChange } = props;
  return (
    <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
      <label>
        Search
        <input
          type="search"
          placeholder="Name or CareFlow ID"
          value={filters.q}
          onInput={(event) => onChange("q", event.currentTarget.value)}
        />
      </label>
      <label>
        Direction
        <select onChange={(event) => onChange("direction", event.currentTarget.value)}>
          <option value="">All</option>
          <option value="inbound">Incoming</option>
          <option value="outbound">Outgoing</option>
        </select>
      </label>
      <label>
        Status
        <select onChange={(event) => onChange("status", event.currentTarget.value)}>
          <option value="">All</option>
          {CALL_STATUSES.map((status) => (
            <option key={status} value={status}>{STATUS_LABELS[status]}</option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="date" onChange={(event) => onChange("from", event.currentTarget.value)} />
      </label>
      <label>
        To
        <input type="date" onChange={(event) => onChange("to", event.currentTarget.value)} />
      </label>
    </form>
  );
}

import { useSignal, useSignalEffect } from "@preact/signals";
import type { CallView } from "../../shared/api.ts";

interface Filters {
  direction: "" | "inbound" | "outbound";
  status: string;
  from: string;
  to: string;
  q: string;
}

interface HistoryPage {
  calls: CallView[];
  pagination: { page: number; limit: number; total: number; totalPages: number };
}

const STATUS_LABELS: Record<string, string> = {
  completed: "Completed",
  missed: "Missed",
  declined: "Declined",
  cancelled: "Cancelled",
  unavailable: "Unavailable",
  failed: "Failed",
};

const LIMIT = 20;

function duration(seconds: number): string {
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

/** The user's calls: filters, pages, and a way to call back. */
export default function CallHistory() {
  const filters = useSignal<Filters>({ direction: "", status: "", from: "", to: "", q: "" });
  const page = useSignal(1);
  const result = useSignal<HistoryPage | null>(null);
  const error = useSignal<string | null>(null);

  useSignalEffect(() => {
    const query = new URLSearchParams({ page: String(page.value), limit: String(LIMIT) });
    for (const [name, value] of Object.entries(filters.value)) if (value) query.set(name, value);
    const controller = new AbortController();
    fetch(`/api/calls/history?${query}`, { signal: controller.signal })
      .then(async (response) => {
        const body = await response.json();
        if (!response.ok) throw new Error(body.detail ?? "The history could not be loaded.");
        result.value = body;
        error.value = null;
      })
      .catch((failure) => {
        if (!controller.signal.aborted) error.value = failure.message;
      });
    return () => controller.abort();
  });

  const set = (name: keyof Filters, value: string) => {
    filters.value = { ...filters.value, [name]: value };
    page.value = 1;
  };
  const data = result.value;
  return (
    <section class="history card" aria-labelledby="history-title">
      <h1 id="history-title">History</h1>
      <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            placeholder="Name or CareFlow ID"
            value={filters.value.q}
            onInput={(event) => set("q", event.currentTarget.value)}
          />
        </label>
        <label>
          Direction
          <select onChange={(event) => set("direction", event.currentTarget.value)}>
            <option value="">All</option>
            <option value="inbound">Incoming</option>
            <option value="outbound">Outgoing</option>
          </select>
        </label>
        <label>
          Status
          <select onChange={(event) => set("status", event.currentTarget.value)}>
            <option value="">All</option>
            {Object.entries(STATUS_LABELS).map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" onChange={(event) => set("from", event.currentTarget.value)} />
        </label>
        <label>
          To
          <input type="date" onChange={(event) => set("to", event.currentTarget.value)} />
        </label>
      </form>
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
      {!data && !error.value && <p class="hint">Loading your calls…</p>}
      {data && data.calls.length === 0 && <p class="empty">No calls match.</p>}
      {data && data.calls.length > 0 && (
        <table class="calls" data-testid="history-table">
          <thead>
            <tr>
              <th scope="col">Who</th>
              <th scope="col">When</th>
              <th scope="col">Status</th>
              <th scope="col">Length</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.calls.map((call) => (
              <tr data-status={call.status}>
                <td>
                  <span
                    class="direction"
                    aria-label={call.direction === "inbound" ? "Incoming" : "Outgoing"}
                  >
                    {call.direction === "inbound" ? "↙" : "↗"}
                  </span>{" "}
                  <strong>{call.otherParty.displayName}</strong>
                  <br />
                  <code>{call.otherParty.care4wId}</code>
                </td>
                <td>
                  <time dateTime={call.startedAt}>{new Date(call.startedAt).toLocaleString()}</time>
                </td>
                <td data-testid="call-row-status">{STATUS_LABELS[call.status]}</td>
                <td data-testid="call-row-duration">{duration(call.duration)}</td>
                <td>
                  <a
                    class="button small"
                    href={`/dashboard?dial=${encodeURIComponent(call.otherParty.care4wId)}`}
                    aria-label={`Call back ${call.otherParty.displayName}`}
                  >
                    Call back
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && data.pagination.totalPages > 1 && (
        <nav class="pager" aria-label="Pages">
          <button
            type="button"
            class="button small secondary"
            disabled={page.value <= 1}
            onClick={() => page.value--}
          >
            Previous
          </button>
          <span>Page {data.pagination.page} of {data.pagination.totalPages}</span>
          <button
            type="button"
            class="button small secondary"
            disabled={page.value >= data.pagination.totalPages}
            onClick={() => page.value++}
          >
            Next
          </button>
        </nav>
      )}
    </section>
  );
}

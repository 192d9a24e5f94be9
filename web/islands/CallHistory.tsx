import { useSignal, useSignalEffect } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { HistoryPage } from "../../shared/api.ts";
import { CallTable, Pager } from "../components/history/CallTable.tsx";
import { type Filters, HistoryFilters, NO_FILTERS } from "../components/history/HistoryFilters.tsx";
import { loadSettings, settingsNow } from "../client/settings.ts";
import { usePresenceBatch } from "../client/use-presence-batch.ts";

const LIMIT = 20;

/**
 * The user's calls: filters, pages, and a way to call back; times as their settings say; each
 * colleague's presence, asked for the whole page at once.
 */
export default function CallHistory() {
  const display = useSignal(settingsNow().display);
  useEffect(() => void loadSettings().then((settings) => (display.value = settings.display)), []);
  const filters = useSignal<Filters>(NO_FILTERS);
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
  // Only CareFlow users have presence: outside numbers are never asked about.
  const presence = usePresenceBatch(
    data?.calls.flatMap((call) => call.otherParty.care4wId ?? []) ?? [],
  );
  return (
    <section class="history card" aria-labelledby="history-title">
      <h1 id="history-title">History</h1>
      <HistoryFilters filters={filters.value} onChange={set} />
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
      {!data && !error.value && <p class="hint">Loading your calls…</p>}
      {data && data.calls.length === 0 && <p class="empty">No calls match.</p>}
      {data && data.calls.length > 0 && (
        <CallTable calls={data.calls} display={display.value} presence={presence} />
      )}
      {data && <Pager pagination={data.pagination} onPage={(next) => (page.value = next)} />}
    </section>
  );
}

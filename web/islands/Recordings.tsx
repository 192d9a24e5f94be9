import { useComputed, useSignal } from "@preact/signals";
import { useSettingsRendered } from "../client/settings.ts";
import { useRef } from "preact/hooks";
import {
  useLastPageClamp,
  useRecordingList,
  useRefocusAfterReload,
} from "../client/recordings/use-recording-list.ts";
import { Pager } from "../components/history/CallTable.tsx";
import { RecordingItem } from "../components/recordings/RecordingItem.tsx";
import {
  DEFAULT_FILTERS,
  RecordingFilters,
  type RecordingFilterValues,
  recordingQuery,
} from "../components/recordings/RecordingFilters.tsx";

const LIMIT = 10;

/**
 * The user's call recordings (and, when asked, voicemail): filters, pages, a player per row,
 * notes and tags edited in place, download, archive, delete and each one's access trail.
 * `care4wId` is the user's own, to say "Recorded by you".
 */
export default function Recordings(props: { care4wId: string }) {
  const filters = useSignal<RecordingFilterValues>(DEFAULT_FILTERS);
  const page = useSignal(1);
  const query = useComputed(() => recordingQuery(filters.value, page.value, LIMIT));
  // Times read in the user's zone and formats (Settings).
  useSettingsRendered();
  const list = useRecordingList(query);
  const notice = useSignal<string | null>(null);
  useLastPageClamp(list, page);

  const set = (name: keyof RecordingFilterValues, value: string) => {
    filters.value = { ...filters.value, [name]: value };
    page.value = 1;
  };
  const heading = useRef<HTMLHeadingElement>(null);
  const refocus = useRefocusAfterReload(list, heading);
  const moved = (message: string) => {
    notice.value = message;
    refocus();
    list.reload();
  };
  const data = list.page.value;
  const filtered = Object.entries(filters.value).some(
    ([name, value]) => value !== DEFAULT_FILTERS[name as keyof RecordingFilterValues],
  );
  return (
    <section class="recordings-section card" aria-labelledby="recordings-title">
      <h1 id="recordings-title" tabIndex={-1} ref={heading}>Recordings</h1>
      <p class="hint">Only you can play your recordings. Every play and download is logged.</p>
      <RecordingFilters filters={filters.value} onChange={set} />
      <p class="notice" role="status" data-testid="recordings-notice">{notice.value}</p>
      {list.error.value && <p class="form-error" role="alert">{list.error.value}</p>}
      {!data && list.loading.value && <p class="hint">Loading your recordings…</p>}
      {data && data.recordings.length === 0 && (
        <p class="empty" data-testid="recordings-empty">
          {filtered
            ? "No recordings match these filters."
            : "No recordings yet. Calls you record appear here, for you only."}
        </p>
      )}
      {data && data.recordings.length > 0 && (
        <ul class="recording-list" aria-busy={list.loading.value}>
          {data.recordings.map((recording) => (
            <RecordingItem
              key={recording.id}
              recording={recording}
              ownId={props.care4wId}
              onChanged={list.replace}
              onMoved={moved}
            />
          ))}
        </ul>
      )}
      {data && <Pager pagination={data.pagination} onPage={(next) => (page.value = next)} />}
    </section>
  );
}

import { type ReadonlySignal, type Signal, useSignal, useSignalEffect } from "@preact/signals";
import type { RefObject } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { RecordingsPage, RecordingView } from "../../../shared/api.ts";
import { listRecordings } from "./api.ts";

/** A page of recordings as an island shows it, and what changes it. */
export interface RecordingList {
  /** The last page loaded; kept while the next one loads, so the list does not jump. */
  page: Signal<RecordingsPage | null>;
  loading: Signal<boolean>;
  error: Signal<string | null>;
  /** Asks the server again (after a delete or archive, which can move rows between pages). */
  reload(): void;
  /** Puts a changed recording in place without a round trip. */
  replace(recording: RecordingView): void;
}

/**
 * Loads the page of recordings `query` asks for, again whenever it changes; a query still in
 * flight when a newer one starts is aborted, so an old answer never overwrites a new one.
 */
export function useRecordingList(query: ReadonlySignal<URLSearchParams>): RecordingList {
  const page = useSignal<RecordingsPage | null>(null);
  const loading = useSignal(true);
  const error = useSignal<string | null>(null);
  const version = useSignal(0);

  useSignalEffect(() => {
    void version.value;
    const controller = new AbortController();
    loading.value = true;
    listRecordings(query.value, controller.signal)
      .then((body) => {
        page.value = body;
        error.value = null;
      })
      .catch((failure: Error) => {
        if (!controller.signal.aborted) error.value = failure.message;
      })
      .finally(() => {
        if (!controller.signal.aborted) loading.value = false;
      });
    return () => controller.abort();
  });

  return {
    page,
    loading,
    error,
    reload: () => void version.value++,
    replace(recording) {
      const current = page.value;
      if (!current) return;
      const recordings = current.recordings.map((r) => r.id === recording.id ? recording : r);
      // The unread count follows a voicemail marked listened or unread here.
      const before = current.recordings.find((r) => r.id === recording.id);
      const delta =
        before && before.type === "voicemail" && before.isListened !== recording.isListened
          ? (recording.isListened ? -1 : 1)
          : 0;
      page.value = {
        ...current,
        recordings,
        unlistenedVoicemail: Math.max(0, current.unlistenedVoicemail + delta),
      };
    },
  };
}

/** Deleting the last row of the last page leaves that page empty: steps back to the new last. */
export function useLastPageClamp(list: RecordingList, page: Signal<number>): void {
  useSignalEffect(() => {
    const shown = list.page.value?.pagination;
    if (shown && shown.totalPages > 0 && shown.page > shown.totalPages) {
      page.value = shown.totalPages;
    }
  });
}

/**
 * Returns `arm()`, to call when a row may leave the list (delete, archive). Once the list has
 * loaded again, if the keyboard focus was on that row and went with it, it moves to `target`
 * instead of falling back to the top of the page.
 */
export function useRefocusAfterReload(list: RecordingList, target: RefObject<HTMLElement | null>) {
  // The page shown when armed: the check waits for a newer one to be rendered, not merely for a
  // render while nothing loads (one can come from elsewhere, such as the settings arriving, before
  // the reload has even started, while the focused row is still there).
  const armedOn = useRef<RecordingsPage | null | undefined>(undefined);
  useEffect(() => {
    // A newer page is the reload's answer: its rows are the ones on screen from this render on
    // (`loading` clears a moment later, in a render of its own).
    if (armedOn.current === undefined || list.page.value === armedOn.current) return;
    armedOn.current = undefined;
    if (!document.activeElement || document.activeElement === document.body) {
      target.current?.focus();
    }
  });
  return () => void (armedOn.current = list.page.value);
}

import { useComputed, useSignal } from "@preact/signals";
import { useSettingsRendered } from "../client/settings.ts";
import { useRef } from "preact/hooks";
import {
  useLastPageClamp,
  useRecordingList,
  useRefocusAfterReload,
} from "../client/recordings/use-recording-list.ts";
import { Pager } from "../components/history/CallTable.tsx";
import { GreetingManager } from "../components/recordings/GreetingManager.tsx";
import { VoicemailItem } from "../components/recordings/VoicemailItem.tsx";

const LIMIT = 10;

/**
 * The voicemail inbox, unread first, and the greeting callers hear. Playing a message marks it
 * listened; it can be marked unread again, deleted, or called back from the dialer.
 */
export default function Voicemail() {
  const page = useSignal(1);
  const query = useComputed(() =>
    new URLSearchParams({
      type: "voicemail",
      sort: "unlistened",
      page: String(page.value),
      limit: String(LIMIT),
    })
  );
  // Times read in the user's zone and formats (Settings).
  useSettingsRendered();
  const list = useRecordingList(query);
  const notice = useSignal<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const refocus = useRefocusAfterReload(list, heading);
  useLastPageClamp(list, page);

  const data = list.page.value;
  const unread = data?.unlistenedVoicemail ?? 0;
  return (
    <div class="voicemail-section">
      <section class="recordings-section card" aria-labelledby="voicemail-title">
        <h1 id="voicemail-title" tabIndex={-1} ref={heading}>Voicemail</h1>
        <p class="hint" data-testid="voicemail-unread">
          {data ? (unread ? `${unread} unread` : "All messages listened to.") : ""}
        </p>
        <p class="notice" role="status">{notice.value}</p>
        {list.error.value && <p class="form-error" role="alert">{list.error.value}</p>}
        {!data && list.loading.value && <p class="hint">Loading your messages…</p>}
        {data && data.recordings.length === 0 && (
          <p class="empty" data-testid="voicemail-empty">
            No messages. When you miss a call, the caller can leave one here.
          </p>
        )}
        {data && data.recordings.length > 0 && (
          <ul class="recording-list" aria-busy={list.loading.value}>
            {data.recordings.map((message) => (
              <VoicemailItem
                key={message.id}
                message={message}
                onChanged={list.replace}
                onMoved={(text) => {
                  notice.value = text;
                  refocus();
                  list.reload();
                }}
              />
            ))}
          </ul>
        )}
        {data && <Pager pagination={data.pagination} onPage={(next) => (page.value = next)} />}
      </section>
      <GreetingManager />
    </div>
  );
}

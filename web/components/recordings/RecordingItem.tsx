import { addressOf } from "../../../shared/calls.ts";
import { useSignal } from "@preact/signals";
import type { RecordingView } from "../../../shared/api.ts";
import { changeRecording, mediaUrl } from "../../client/recordings/api.ts";
import { AccessTrail } from "./AccessTrail.tsx";
import { DeleteAction } from "./DeleteAction.tsx";
import { formatDuration, formatSize, formatWhen, recordedByText, UNPLAYABLE } from "./format.ts";
import { NotesEditor } from "./NotesEditor.tsx";

/** What a row tells the list it belongs to. */
export interface ItemEvents {
  /** The recording changed in place (notes, tags, listened). */
  onChanged(recording: RecordingView): void;
  /** The recording moved (archived, unarchived) or left (deleted): the page is asked again. */
  onMoved(message: string): void;
}

/** The audio player, or why there is none. */
export function Player(props: { recording: RecordingView; label: string; onPlay?(): void }) {
  const { recording } = props;
  const why = UNPLAYABLE[recording.status];
  if (why) return <p class="hint">{why}</p>;
  // preload="none": nothing is fetched (nor written to the trail) until the user presses play;
  // seeking then asks for byte ranges, which the API serves.
  return (
    <audio
      class="player"
      controls
      preload="none"
      src={mediaUrl(recording.id)}
      aria-label={`Play ${props.label}`}
      onPlay={props.onPlay}
    />
  );
}

/** One call recording: who, when, how long, the player, notes and tags, and what can be done. */
export function RecordingItem(props: { recording: RecordingView; ownId: string } & ItemEvents) {
  const { recording, ownId } = props;
  const trailOpen = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const who = recording.otherParty;
  const label = `${
    recording.type === "voicemail" ? "voicemail" : "recording"
  } with ${who.displayName}, ${formatWhen(recording.recordedAt)}`;
  const titleId = `recording-${recording.id}`;
  const archived = recording.status === "archived";
  const playable = !UNPLAYABLE[recording.status];

  const toggleArchive = async () => {
    busy.value = true;
    try {
      await changeRecording(recording.id, { archived: !archived });
      error.value = null;
      props.onMoved(archived ? "Recording moved back to active." : "Recording archived.");
    } catch (failure) {
      error.value = (failure as Error).message;
    } finally {
      // The row may stay on the page (the list shows archived ones too): it must work again.
      busy.value = false;
    }
  };
  // A voicemail shown here counts as heard once played, as in the inbox; a failure only leaves it
  // unread there, which is not worth an error message on this page.
  const heard = recording.type === "voicemail" && !recording.isListened
    ? () => void changeRecording(recording.id, { isListened: true }).then(props.onChanged, () => {})
    : undefined;

  return (
    <li class="recording" data-testid="recording-item" data-status={recording.status}>
      <article aria-labelledby={titleId}>
        <header class="recording-head">
          <h2 id={titleId} class="recording-title">
            {recording.type === "voicemail" && <span class="pill">Voicemail</span>}
            <span>{who.displayName}</span> <code>{addressOf(who)}</code>
          </h2>
          {archived && <span class="pill pill-muted">Archived</span>}
        </header>
        <p class="recording-meta">
          <span class="direction" aria-hidden="true">
            {recording.direction === "inbound" ? "↙" : "↗"}
          </span>
          <span class="visually-hidden">
            {recording.direction === "inbound" ? "Incoming call" : "Outgoing call"}
          </span>
          <time dateTime={recording.recordedAt}>{formatWhen(recording.recordedAt)}</time>
          <span data-testid="recording-duration">{formatDuration(recording.duration)}</span>
          <span>{formatSize(recording.fileSize)}</span>
          {recordedByText(recording, ownId) && <span>{recordedByText(recording, ownId)}</span>}
        </p>
        <Player recording={recording} label={label} onPlay={heard} />
        <NotesEditor recording={recording} onSaved={props.onChanged} />
        {error.value && <p class="form-error" role="alert">{error.value}</p>}
        <div class="row-actions">
          {playable && (
            <a class="button small secondary" href={mediaUrl(recording.id, true)} download>
              Download<span class="visually-hidden">{` ${label}`}</span>
            </a>
          )}
          {playable && (
            <button
              type="button"
              class="button small secondary"
              disabled={busy.value}
              onClick={toggleArchive}
            >
              {archived ? "Unarchive" : "Archive"}
              <span class="visually-hidden">{` ${label}`}</span>
            </button>
          )}
          <button
            type="button"
            class="button small secondary"
            aria-expanded={trailOpen.value}
            onClick={() => (trailOpen.value = !trailOpen.value)}
          >
            Access trail<span class="visually-hidden">{` of ${label}`}</span>
          </button>
          <DeleteAction
            id={recording.id}
            what={`this ${label}`}
            noun="Recording"
            onDeleted={props.onMoved}
          />
        </div>
        {trailOpen.value && <AccessTrail id={recording.id} ownId={ownId} label={label} />}
      </article>
    </li>
  );
}

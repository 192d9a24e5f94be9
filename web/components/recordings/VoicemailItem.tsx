import { addressOf } from "../../../shared/calls.ts";
import { useSignal } from "@preact/signals";
import type { RecordingView } from "../../../shared/api.ts";
import { changeRecording } from "../../client/recordings/api.ts";
import { DeleteAction } from "./DeleteAction.tsx";
import { formatDuration, formatWhen } from "./format.ts";
import { type ItemEvents, Player } from "./RecordingItem.tsx";

/**
 * One message in the inbox: unread ones are marked in words and weight, not by colour alone.
 * Starting playback marks it listened; "Mark unread" undoes that.
 */
export function VoicemailItem(props: { message: RecordingView } & ItemEvents) {
  const { message } = props;
  const error = useSignal<string | null>(null);
  const who = message.otherParty;
  const label = `voicemail from ${who.displayName}, ${formatWhen(message.recordedAt)}`;
  const titleId = `voicemail-${message.id}`;
  const unread = !message.isListened;

  const mark = async (isListened: boolean) => {
    try {
      props.onChanged(await changeRecording(message.id, { isListened }));
      error.value = null;
    } catch (failure) {
      error.value = (failure as Error).message;
    }
  };

  return (
    <li
      class={`recording voicemail${unread ? " unread" : ""}`}
      data-testid="voicemail-item"
      data-unread={unread ? "true" : "false"}
    >
      <article aria-labelledby={titleId}>
        <header class="recording-head">
          <h2 id={titleId} class="recording-title">
            {unread && <span class="pill pill-new" data-testid="unread-marker">New</span>}
            <span>{who.displayName}</span> <code>{addressOf(who)}</code>
          </h2>
        </header>
        <p class="recording-meta">
          <time dateTime={message.recordedAt}>{formatWhen(message.recordedAt)}</time>
          <span>{formatDuration(message.duration)}</span>
          <span>{unread ? "Not listened to yet" : "Listened"}</span>
        </p>
        {/* Only an unread message is marked: playing a heard one again sends nothing. */}
        <Player
          recording={message}
          label={label}
          onPlay={() => !message.isListened && void mark(true)}
        />
        {error.value && <p class="form-error" role="alert">{error.value}</p>}
        <div class="row-actions">
          <a
            class="button small"
            href={`/dashboard?dial=${encodeURIComponent(addressOf(who))}`}
            aria-label={`Call back ${who.displayName}`}
          >
            Call back
          </a>
          {!unread && (
            <button
              type="button"
              class="button small secondary"
              onClick={() => mark(false)}
            >
              Mark unread<span class="visually-hidden">{` the ${label}`}</span>
            </button>
          )}
          <DeleteAction
            id={message.id}
            what={`this ${label}`}
            noun="Message"
            onDeleted={props.onMoved}
          />
        </div>
      </article>
    </li>
  );
}

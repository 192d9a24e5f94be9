import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { RecordingView } from "../../../shared/api.ts";
import { changeRecording } from "../../client/recordings/api.ts";
import { parseTags, tagsProblem } from "./format.ts";

/**
 * A recording's notes and tags, shown as text with an "Edit" button that turns them into a small
 * form in place; saving sends only these two fields.
 */
export function NotesEditor(
  props: { recording: RecordingView; onSaved(recording: RecordingView): void },
) {
  const { recording } = props;
  const editing = useSignal(false);
  const notes = useSignal(recording.notes);
  const tags = useSignal(recording.tags.join(", "));
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const base = `notes-${recording.id}`;
  const field = useRef<HTMLTextAreaElement>(null);
  // The "Edit" button is replaced by the form: focus follows into it.
  useEffect(() => {
    if (editing.value) field.current?.focus();
  }, [editing.value]);

  const open = () => {
    notes.value = recording.notes;
    tags.value = recording.tags.join(", ");
    error.value = null;
    editing.value = true;
  };
  const save = async (event: Event) => {
    event.preventDefault();
    const list = parseTags(tags.value);
    const wrong = tagsProblem(list);
    if (wrong) return void (error.value = wrong);
    busy.value = true;
    try {
      props.onSaved(await changeRecording(recording.id, { notes: notes.value, tags: list }));
      editing.value = false;
      error.value = null;
    } catch (failure) {
      error.value = (failure as Error).message;
    } finally {
      busy.value = false;
    }
  };

  if (!editing.value) {
    return (
      <div class="notes" data-testid="recording-notes">
        {recording.notes
          ? <p class="notes-text">{recording.notes}</p>
          : <p class="hint">No notes.</p>}
        {recording.tags.length > 0 && (
          <ul class="tag-list" aria-label="Tags">
            {recording.tags.map((tag) => <li key={tag} class="tag">{tag}</li>)}
          </ul>
        )}
        <button type="button" class="link" onClick={open}>
          Edit notes and tags<span class="visually-hidden">{` of this recording`}</span>
        </button>
      </div>
    );
  }
  return (
    <form class="notes-form" onSubmit={save}>
      <label for={`${base}-text`}>Notes</label>
      <textarea
        ref={field}
        id={`${base}-text`}
        rows={3}
        maxLength={2000}
        value={notes.value}
        onInput={(event) => (notes.value = event.currentTarget.value)}
      />
      <label for={`${base}-tags`}>Tags, separated by commas</label>
      <input
        id={`${base}-tags`}
        value={tags.value}
        onInput={(event) => (tags.value = event.currentTarget.value)}
      />
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
      <div class="row-actions">
        <button type="submit" class="button small" disabled={busy.value}>
          {busy.value ? "Saving…" : "Save notes"}
        </button>
        <button
          type="button"
          class="button small secondary"
          onClick={() => (editing.value = false)}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}

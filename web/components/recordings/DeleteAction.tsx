import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { deleteRecording } from "../../client/recordings/api.ts";

/**
 * "Delete", then a confirm step in place (no modal: it stays next to what it deletes and works
 * with the keyboard alone). `onDeleted` gets when the audio will be purged for good.
 */
export function DeleteAction(
  props: {
    id: string;
    what: string;
    /** What was deleted, for the notice ("Recording", "Message"). */
    noun: string;
    /** Told the notice to show: when the audio is purged for good. */
    onDeleted(notice: string): void;
  },
) {
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const yes = useRef<HTMLButtonElement>(null);
  // The button pressed is gone; the keyboard carries on at the question's answer.
  useEffect(() => {
    if (confirming.value) yes.current?.focus();
  }, [confirming.value]);

  const remove = async () => {
    busy.value = true;
    try {
      const purgeAt = await deleteRecording(props.id);
      const day = purgeAt.toLocaleDateString(undefined, { dateStyle: "long" });
      props.onDeleted(`${props.noun} deleted. Its audio will be purged for good on ${day}.`);
    } catch (failure) {
      error.value = (failure as Error).message;
      busy.value = false;
    }
  };

  if (!confirming.value) {
    return (
      <button
        type="button"
        class="button small secondary danger-outline"
        onClick={() => (confirming.value = true)}
        aria-label={`Delete ${props.what}`}
      >
        Delete
      </button>
    );
  }
  return (
    <div class="confirm" role="group" aria-label={`Confirm deleting ${props.what}`}>
      <p>Delete {props.what}? It disappears from your list at once.</p>
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
      <button
        ref={yes}
        type="button"
        class="button small danger"
        disabled={busy.value}
        onClick={remove}
      >
        {busy.value ? "Deleting…" : "Yes, delete"}
      </button>
      <button
        type="button"
        class="button small secondary"
        onClick={() => (confirming.value = false)}
      >
        Keep it
      </button>
    </div>
  );
}

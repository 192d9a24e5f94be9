import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { UserSettings } from "../../shared/api.ts";
import { loadSettings, saveSettings } from "../client/recordings/api.ts";

/**
 * "Calls and recordings" on the Settings page: whether every call is recorded, and how many days
 * recordings are kept (within the organisation's bounds). The toggle saves at once; the number of
 * days with its own button, so typing "1" on the way to "14" saves nothing.
 */
export default function RecordingSettings() {
  const settings = useSignal<UserSettings | null>(null);
  const days = useSignal("");
  const busy = useSignal(false);
  const saved = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);

  const show = (next: UserSettings) => {
    settings.value = next;
    days.value = String(next.retentionDays);
  };
  useEffect(() => {
    loadSettings().then(show).catch((failure: Error) => (error.value = failure.message));
  }, []);

  const save = async (change: { recordCalls?: boolean; retentionDays?: number }, done: string) => {
    busy.value = true;
    error.value = null;
    saved.value = null;
    try {
      show(await saveSettings(change));
      saved.value = done;
    } catch (failure) {
      error.value = (failure as Error).message;
      const now = settings.value;
      if (now && change.recordCalls !== undefined) {
        settings.value = { ...now, recordCalls: !change.recordCalls };
      }
    } finally {
      busy.value = false;
    }
  };

  const current = settings.value;
  if (!current) {
    return error.value
      ? <p class="form-error" role="alert">{error.value}</p>
      : <p class="notice" role="status">Loading your recording settings…</p>;
  }
  const { minDays, maxDays } = current.retentionBounds;
  const submit = (event: Event) => {
    event.preventDefault();
    const value = Number(days.value);
    if (!Number.isInteger(value) || value < minDays || value > maxDays) {
      error.value = `Choose a whole number of days from ${minDays} to ${maxDays}.`;
      return;
    }
    void save({ retentionDays: value }, `Recordings are now kept for ${value} days.`);
  };
  return (
    // noValidate: the bounds are said in words here, not in the browser's own bubble.
    <form
      class="recording-settings"
      onSubmit={submit}
      noValidate
      data-testid="recording-settings"
    >
      <label class="toggle">
        <input
          type="checkbox"
          checked={current.recordCalls}
          disabled={busy.value}
          onChange={(event) => {
            const on = event.currentTarget.checked;
            // Shown at once; `save` puts back what the server holds if it fails.
            settings.value = { ...current, recordCalls: on };
            void save(
              { recordCalls: on },
              on ? "Your calls will be recorded." : "Your calls will not be recorded.",
            );
          }}
        />
        Record my calls
      </label>
      <p class="hint">The other person is told when a call is recorded, and can refuse.</p>
      <div class="field">
        <label for="retention-days">Keep recordings for (days)</label>
        <div class="inline-field">
          <input
            id="retention-days"
            type="number"
            inputMode="numeric"
            min={minDays}
            max={maxDays}
            step={1}
            required
            aria-describedby="retention-hint"
            value={days.value}
            onInput={(event) => (days.value = event.currentTarget.value)}
          />
          <button type="submit" class="button small" disabled={busy.value}>Save</button>
        </div>
        <p class="hint" id="retention-hint">
          From {minDays} to {maxDays} days, counted from the day of the call.
        </p>
      </div>
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
      <p class="notice" role="status">{saved.value}</p>
    </form>
  );
}

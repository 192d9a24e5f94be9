import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import {
  greetingUrl,
  loadSettings,
  removeGreeting,
  saveGreeting,
} from "../../client/recordings/api.ts";
import { canRecord } from "../../client/recordings/mic-recorder.ts";
import {
  type GreetingDraft,
  MAX_GREETING_SECONDS,
  useGreetingDraft,
} from "../../client/recordings/use-greeting-draft.ts";

/** Record / Stop, and the file picker: the two ways to make a draft. */
function DraftMakers(props: { maker: GreetingDraft; busy: boolean }) {
  const { maker } = props;
  const recording = maker.elapsed.value !== null;
  return (
    <div class="greeting-makers">
      {canRecord() && (
        <div class="row-actions">
          {recording
            ? (
              <button type="button" class="button small danger" onClick={maker.stop}>
                Stop recording
              </button>
            )
            : (
              <button
                type="button"
                class="button small"
                disabled={props.busy}
                onClick={maker.record}
              >
                Record a greeting
              </button>
            )}
          {recording && (
            <span class="recording-now" role="status">
              Recording… {maker.elapsed.value}s of {MAX_GREETING_SECONDS}s
            </span>
          )}
        </div>
      )}
      <label class="file-pick">
        Or upload an audio file
        <input
          type="file"
          accept="audio/*"
          disabled={recording || props.busy}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) maker.pick(file);
            event.currentTarget.value = "";
          }}
        />
      </label>
    </div>
  );
}

/**
 * The voicemail greeting: whether one is set (and playing it), recording a new one with the
 * microphone or uploading a file, listening to it before saving, and removing it.
 */
export function GreetingManager() {
  const has = useSignal<boolean | null>(null);
  const version = useSignal(0);
  const busy = useSignal(false);
  const message = useSignal<string | null>(null);
  const failure = useSignal<string | null>(null);
  const maker = useGreetingDraft();

  useEffect(() => {
    loadSettings()
      .then((settings) => (has.value = settings.hasGreeting))
      .catch((error: Error) => (failure.value = error.message));
  }, []);

  const act = async (work: () => Promise<void>, done: string, nowHas: boolean) => {
    busy.value = true;
    failure.value = null;
    try {
      await work();
      has.value = nowHas;
      version.value++;
      message.value = done;
    } catch (error) {
      failure.value = (error as Error).message;
    } finally {
      busy.value = false;
    }
  };
  const save = (audio: Blob) =>
    act(
      async () => {
        await saveGreeting(audio);
        maker.discard();
      },
      "Greeting saved. Callers hear it when you do not answer.",
      true,
    );
  const remove = () =>
    act(removeGreeting, "Greeting removed. Callers hear the standard message.", false);

  const draft = maker.draft.value;
  return (
    <section class="greeting card" aria-labelledby="greeting-title" data-testid="greeting">
      <h2 id="greeting-title">Your greeting</h2>
      {has.value === null && !failure.value && <p class="hint">Loading your greeting…</p>}
      {has.value === false && (
        <p data-testid="greeting-state">
          No greeting set: callers hear a standard message with your name.
        </p>
      )}
      {has.value && (
        <div class="greeting-current">
          <p data-testid="greeting-state">A greeting is set. Callers hear it first.</p>
          <audio
            controls
            preload="none"
            src={greetingUrl(version.value)}
            aria-label="Play your greeting"
          />
          <button
            type="button"
            class="button small secondary"
            disabled={busy.value}
            onClick={remove}
          >
            Remove greeting
          </button>
        </div>
      )}
      <p class="notice" role="status">{message.value}</p>
      {(failure.value || maker.error.value) && (
        <p class="form-error" role="alert">{failure.value ?? maker.error.value}</p>
      )}
      {has.value !== null && <DraftMakers maker={maker} busy={busy.value} />}
      {draft && (
        <div class="greeting-draft" data-testid="greeting-draft">
          <p>
            {draft.from === "microphone" ? "Your new recording" : "The file you chose"}: listen,
            then save it.
          </p>
          <audio controls src={draft.url} aria-label="Play the new greeting" />
          <div class="row-actions">
            <button
              type="button"
              class="button small"
              disabled={busy.value}
              onClick={() => save(draft.audio)}
            >
              {busy.value ? "Saving…" : "Save greeting"}
            </button>
            <button type="button" class="button small secondary" onClick={maker.discard}>
              Discard
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { listenToMic, micProblem, playTestTone } from "../../client/mic-check.ts";
import { useMicBlocked } from "../../client/mic-permission.ts";

/** Above this level the microphone clearly hears something (speech, a fake device's beep). */
const HEARD = 0.05;

/**
 * "Microphone and speaker" in Settings: a microphone test with a live level meter (opened only
 * on the button, released on Stop or when the page section goes) and a speaker test that
 * plays a short chime, so a blocked or silent device shows before a call, not during one.
 */
export function MicCheck() {
  const level = useSignal(0);
  const heard = useSignal(false);
  const state = useSignal<"off" | "opening" | "on">("off");
  const problem = useSignal<string | null>(null);
  const speaker = useSignal<"idle" | "playing" | "played">("idle");
  const stop = useRef<(() => void) | null>(null);
  const blocked = useMicBlocked();
  useEffect(() => () => stop.current?.(), []);

  const start = async () => {
    problem.value = null;
    heard.value = false;
    state.value = "opening";
    try {
      stop.current = await listenToMic((now) => {
        level.value = now;
        if (now > HEARD) heard.value = true;
      });
      state.value = "on";
    } catch (error) {
      problem.value = micProblem(error);
      state.value = "off";
    }
  };
  const end = () => {
    stop.current?.();
    stop.current = null;
    state.value = "off";
    level.value = 0;
  };
  const chime = async () => {
    speaker.value = "playing";
    await playTestTone().catch(() => {});
    speaker.value = "played";
  };

  return (
    <div class="mic-check" data-testid="mic-check">
      {blocked && !problem.value && (
        <p class="form-error" role="alert">{micProblem({ name: "NotAllowedError" })}</p>
      )}
      <div class="mic-row">
        {state.value === "on"
          ? <button type="button" class="button small secondary" onClick={end}>Stop test</button>
          : (
            <button
              type="button"
              class="button small"
              disabled={state.value === "opening"}
              onClick={() => void start()}
            >
              Test microphone
            </button>
          )}
        <label class="mic-level">
          Microphone level
          <meter
            min={0}
            max={1}
            low={0.05}
            high={0.8}
            value={level.value}
            data-testid="mic-level"
          />
        </label>
      </div>
      <p class="hint" role="status" data-testid="mic-status">
        {problem.value ??
          (state.value === "on"
            ? heard.value
              ? "CareFlow hears your microphone."
              : "Say something: the bar moves when CareFlow hears you."
            : "")}
      </p>
      <div class="mic-row">
        <button
          type="button"
          class="button small secondary"
          disabled={speaker.value === "playing"}
          onClick={() => void chime()}
        >
          Test speaker
        </button>
        <span class="hint" role="status" data-testid="speaker-status">
          {speaker.value === "playing"
            ? "Playing a chime…"
            : speaker.value === "played"
            ? "Did you hear a chime? If not, check the volume and which speaker is chosen."
            : ""}
        </span>
      </div>
    </div>
  );
}

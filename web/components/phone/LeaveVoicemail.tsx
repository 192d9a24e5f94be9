import { useSignal } from "@preact/signals";
import { playGreeting, recordMessage, sendMessage, voicemailFor } from "../../client/voicemail.ts";

/** Where leaving a message stands. */
type Stage =
  | { step: "offer" }
  | { step: "greeting" }
  | { step: "recording"; stop: () => Promise<{ blob: Blob; seconds: number }> }
  | { step: "sending"; share: number }
  | { step: "done" }
  | { step: "failed"; why: string };

/** After an unanswered call: offers to leave a message, and takes the caller through it. */
export function LeaveVoicemail(props: { callId: string; name: string; onClose(): void }) {
  const stage = useSignal<Stage>({ step: "offer" });
  const fail = (
    error: unknown,
  ) => (stage.value = {
    step: "failed",
    why: error instanceof Error ? error.message : "Not sent.",
  });

  const begin = async () => {
    try {
      stage.value = { step: "greeting" };
      const { calleeName, hasGreeting } = await voicemailFor(props.callId);
      await playGreeting(props.callId, calleeName, hasGreeting);
      const recording = await recordMessage();
      stage.value = { step: "recording", stop: recording.stop };
    } catch (error) {
      fail(error);
    }
  };
  const finish = async (stop: () => Promise<{ blob: Blob; seconds: number }>) => {
    try {
      const message = await stop();
      stage.value = { step: "sending", share: 0 };
      await sendMessage(
        props.callId,
        message,
        (share) => (stage.value = { step: "sending", share }),
      );
      stage.value = { step: "done" };
    } catch (error) {
      fail(error);
    }
  };

  const current = stage.value;
  return (
    <section
      class="voicemail-offer card"
      aria-label="Leave a voicemail"
      data-testid="leave-voicemail"
    >
      {current.step === "offer" && (
        <>
          <p>{props.name} did not answer.</p>
          <div class="answer-row">
            <button type="button" class="button" onClick={() => void begin()}>
              Leave a voicemail
            </button>
            <button type="button" class="button secondary" onClick={props.onClose}>
              No, thanks
            </button>
          </div>
        </>
      )}
      {current.step === "greeting" && (
        <p role="status">{props.name} cannot take your call. Leave a message after the tone.</p>
      )}
      {current.step === "recording" && (
        <>
          <p class="recording-on" role="status">
            <span class="rec-dot" aria-hidden="true" /> Recording your message…
          </p>
          <button type="button" class="button" onClick={() => void finish(current.stop)}>
            Stop and send
          </button>
        </>
      )}
      {current.step === "sending" && (
        <p role="status">
          Sending…{" "}
          <progress max={1} value={current.share}>{Math.round(current.share * 100)}%</progress>
        </p>
      )}
      {current.step === "done" && (
        <>
          <p role="status">Your message for {props.name} is in their voicemail.</p>
          <button type="button" class="button secondary" onClick={props.onClose}>Close</button>
        </>
      )}
      {current.step === "failed" && (
        <>
          <p class="form-error" role="alert">{current.why}</p>
          <button type="button" class="button secondary" onClick={props.onClose}>Close</button>
        </>
      )}
    </section>
  );
}

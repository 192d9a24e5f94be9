import type { CallEngine, CallSnapshot } from "../../client/call/types.ts";

/**
 * The calls beside the one shown: a second call ringing softly (call waiting: answer it and this
 * one goes on hold, decline it, or send it to voicemail), and a call on hold with Swap (and,
 * while asking a colleague before a transfer, Complete transfer).
 */
export function OtherCalls(props: { call: CallSnapshot; engine: CallEngine }) {
  const { call, engine } = props;
  return (
    <>
      {call.waiting && (
        <div class="call-waiting" role="alert" data-testid="call-waiting">
          <p>
            <strong>{call.waiting.remote.displayName}</strong> is calling{" "}
            <span class="party-id">{call.waiting.remote.care4wId}</span>
          </p>
          <div class="answer-row">
            <button
              type="button"
              class="button answer"
              onClick={() => void engine.answerWaiting?.()}
            >
              Answer and hold this call
            </button>
            <button
              type="button"
              class="button secondary"
              onClick={() => engine.declineWaiting?.(true)}
            >
              To voicemail
            </button>
            <button
              type="button"
              class="button danger"
              onClick={() => engine.declineWaiting?.(false)}
            >
              Decline
            </button>
          </div>
        </div>
      )}
      {call.parked && (
        <div class="call-parked" data-testid="call-parked">
          <span>
            On hold: <strong>{call.parked.remote.displayName}</strong>
          </span>
          <span class="parked-actions">
            {call.consulting && (
              <button
                type="button"
                class="button small"
                disabled={call.phase !== "connected"}
                onClick={() => engine.completeTransfer?.()}
              >
                Complete transfer to {call.remote?.displayName}
              </button>
            )}
            <button
              type="button"
              class="button small secondary"
              disabled={call.phase !== "connected"}
              onClick={() => engine.swap?.()}
            >
              Swap
            </button>
          </span>
        </div>
      )}
    </>
  );
}

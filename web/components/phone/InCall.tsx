import { useEffect, useRef, useState } from "preact/hooks";
import { CALL_KEYS } from "../../client/call-keys.ts";
import type { CallEngine, CallSnapshot } from "../../client/call/types.ts";
import { Keypad } from "../Keypad.tsx";
import { AudioDevices } from "./AudioDevices.tsx";
import { CallTimer, QualityBadge, statusText } from "./CallStatus.tsx";
import { focusIsLost, lookOf } from "./call-look.ts";
import { StateIcon } from "./StateIcon.tsx";
import { TransferForm } from "./TransferForm.tsx";
import { OtherCalls } from "./OtherCalls.tsx";
import { onSoundBlocked, soundBlocked } from "../../client/call/ringtone.ts";

/**
 * The call in progress: who, how long, how it sounds, and its controls; `tones` are the digits
 * typed on the keyboard during it (client/call-keys.ts), echoed so the person sees them go.
 */
export function InCall(props: { call: CallSnapshot; engine: CallEngine; tones?: string }) {
  const { call, engine } = props;
  const [keypad, setKeypad] = useState(false);
  const [devices, setDevices] = useState(false);
  const [transfer, setTransfer] = useState(false);
  const live = call.phase === "connected" || call.phase === "reconnecting";
  const status = useRef<HTMLParagraphElement>(null);
  // Answered: the Answer button that had focus is gone, so focus goes to the call's state (read
  // out by screen readers), from where Tab reaches Mute, Hold and Hang up.
  useEffect(() => {
    if (live && focusIsLost()) status.current?.focus();
  }, [live]);
  return (
    <section class={`in-call phase-${call.phase}`} aria-label="Current call">
      <p class="party">
        <strong>{call.remote?.displayName}</strong>
        <span class="party-id">{call.remote?.care4wId}</span>
        <TransferredBy call={call} />
      </p>
      <p
        ref={status}
        tabIndex={-1}
        class={`status call-state state-${lookOf(call)}`}
        data-testid="call-status"
        role="status"
        aria-live="polite"
      >
        <StateIcon look={lookOf(call)} />
        {statusText(call)}
      </p>
      <p class="meta">
        {call.connectedAt && <CallTimer since={call.connectedAt} />}
        <QualityBadge quality={call.quality} />
      </p>
      <RecordingState call={call} engine={engine} />
      <OtherCalls call={call} engine={engine} />
      {live && (
        <div class="controls" role="group" aria-label="Call controls">
          <Toggle
            label={call.muted ? "Unmute" : "Mute"}
            on={call.muted}
            onToggle={() => engine.setMuted(!call.muted)}
          />
          {engine.canHold
            ? (
              <Toggle
                label={call.held ? "Resume" : "Hold"}
                on={call.held}
                onToggle={() => engine.setHeld(!call.held)}
              />
            )
            : (
              <button
                type="button"
                class="control"
                disabled
                title="Hold is not available on calls through Twilio"
                aria-describedby="hold-unavailable"
              >
                Hold
              </button>
            )}
          {engine.canRecord && (
            <Toggle
              label="Record"
              on={call.recording !== "off"}
              onToggle={() => engine.setRecording(call.recording === "off")}
            />
          )}
          <Toggle label="Keypad" on={keypad} expands onToggle={() => setKeypad(!keypad)} />
          {engine.canTransfer && (
            <Toggle
              label="Transfer"
              on={transfer}
              expands
              onToggle={() => setTransfer(!transfer)}
            />
          )}
          {engine.audio && (
            <Toggle
              label="Audio"
              on={devices}
              expands
              onToggle={() => setDevices(!devices)}
            />
          )}
        </div>
      )}
      {live && !engine.canHold && (
        <p id="hold-unavailable" class="hint" data-testid="hold-unavailable">
          Hold is not available on calls to phones.
        </p>
      )}
      {live && devices && engine.audio && <AudioDevices audio={engine.audio} />}
      {live && transfer && engine.canTransfer && <TransferForm engine={engine} />}
      {live && keypad && <Keypad label="Send tones" onPress={(key) => engine.sendDtmf(key)} />}
      {live && props.tones && (
        <p class="hint" aria-live="polite" data-testid="tones-sent">Tones sent: {props.tones}</p>
      )}
      <button type="button" class="button danger hangup" onClick={() => engine.hangup()}>
        Hang up
      </button>
      {live && <p class="hint keys">Keys: {CALL_KEYS.live}</p>}
    </section>
  );
}

/**
 * Whether the call is being recorded, by us or by the other party, told in words and with a
 * marker on both sides; the other party's recording can be refused.
 */
function RecordingState(props: { call: CallSnapshot; engine: CallEngine }) {
  const { call, engine } = props;
  return (
    <>
      {call.recording !== "off" && (
        <p class="recording-on" role="status" data-testid="recording-indicator">
          <span class="rec-dot" aria-hidden="true" />
          {call.recording === "starting"
            ? "Starting to record…"
            : "Recording: both of you are told"}
        </p>
      )}
      {call.peerRecording && (
        <p class="recording-on peer" role="alert" data-testid="peer-recording">
          <span class="rec-dot" aria-hidden="true" />
          {call.remote?.displayName ?? "The other party"} is recording this call.
          <button
            type="button"
            class="button small secondary"
            onClick={() => engine.refuseRecording()}
          >
            Refuse
          </button>
        </p>
      )}
      {call.notice && <p class="hint" role="status" data-testid="recording-notice">{call.notice}
      </p>}
    </>
  );
}

/** Who handed this call over, when a transfer made it. */
function TransferredBy(props: { call: CallSnapshot }) {
  const by = props.call.transferredBy;
  if (!by) return null;
  return (
    <span class="transferred-by" data-testid="transferred-by">Transferred by {by.displayName}</span>
  );
}

/** A call control that is on or off, its state exposed to assistive technology. */
function Toggle(props: { label: string; on: boolean; expands?: boolean; onToggle(): void }) {
  return (
    <button
      type="button"
      class="control"
      aria-pressed={props.on}
      aria-expanded={props.expands ? props.on : undefined}
      onClick={props.onToggle}
    >
      {props.label}
    </button>
  );
}

/** The ringing prompt: caller's name and CareFlow ID, Answer and Decline. */
export function IncomingCall(props: { call: CallSnapshot; engine: CallEngine }) {
  const { call, engine } = props;
  const answer = useRef<HTMLButtonElement>(null);
  const [silent, setSilent] = useState(soundBlocked);
  // The ringing card takes focus: Enter (or A) answers at once.
  useEffect(() => answer.current?.focus(), []);
  useEffect(() => {
    setSilent(soundBlocked());
    return onSoundBlocked(setSilent);
  }, []);
  return (
    <section class="incoming" role="alertdialog" aria-labelledby="incoming-title">
      <p id="incoming-title" class="status call-state state-ringing" data-testid="call-status">
        <StateIcon look="ringing" />
        Incoming call
      </p>
      <p class="party">
        <strong data-testid="caller-name">{call.remote?.displayName}</strong>
        <span class="party-id" data-testid="caller-id">{call.remote?.care4wId}</span>
        <TransferredBy call={call} />
      </p>
      <div class="answer-row">
        <button
          type="button"
          class="button answer"
          ref={answer}
          onClick={() => void engine.answer()}
        >
          Answer
        </button>
        <button type="button" class="button danger" onClick={() => engine.decline()}>
          Decline
        </button>
      </div>
      {silent && (
        <p class="sound-blocked" role="status" data-testid="sound-blocked">
          Sound is blocked by the browser: click anywhere to allow the ringtone
        </p>
      )}
      <p class="hint keys">Keys: {CALL_KEYS.incoming}</p>
    </section>
  );
}

import { type Signal, useComputed, useSignal, useSignalEffect } from "@preact/signals";
import type { CallEngine, CallSnapshot } from "../client/call/types.ts";
import type { ComponentChildren, TargetedKeyboardEvent } from "preact";
import { classifyDialTarget, type DialTarget } from "../../shared/dial-target.ts";
import { Keypad } from "../components/Keypad.tsx";
import { statusText } from "../components/phone/CallStatus.tsx";
import { type Lookup, useCalleeLookup } from "../client/use-callee-lookup.ts";
import { usePhone } from "../client/phone.ts";
import { useMicBlocked } from "../client/mic-permission.ts";
import { useEffect, useState } from "preact/hooks";
import { PRESENCE_LABELS } from "../../shared/presence.ts";

/** Leaving a message: rarely used, so a chunk of its own, fetched when it is offered. */
type Leave = typeof import("../components/phone/LeaveVoicemail.tsx").LeaveVoicemail;
/** Colleagues (favourites, recent, search): a chunk of its own, after the dial pad is usable. */
type People = typeof import("../components/people/PeoplePanel.tsx").PeoplePanel;

const MAX_LENGTH = 32;
/** Endings of an outgoing call after which a message can be left. */
const UNANSWERED = new Set(["unavailable", "busy", "declined", "missed"]);

/**
 * The dial pad (keypad, typed or pasted input), what the input is and who it belongs to. The
 * call itself, ringing or connected, is the Phone island's, on every section; while there is
 * one the pad steps aside.
 */
export default function Dialer(props: { initialValue?: string }) {
  const value = useSignal(props.initialValue ?? "");
  const [People, setPeople] = useState<People | null>(null);
  useEffect(() => {
    void import("../components/people/PeoplePanel.tsx").then((m) => setPeople(() => m.PeoplePanel));
  }, []);
  return (
    <>
      <DialPad value={value} />
      {People && <PeopleOnDialer People={People} value={value} />}
    </>
  );
}

/** People below the pad: a name dials at once, shown in the pad like a typed ID. */
function PeopleOnDialer(props: { People: People; value: Signal<string> }) {
  const { call, engine } = usePhone();
  const { ready, phase } = call.value;
  const idle = ready && (phase === "idle" || phase === "ended") && engine.current !== null;
  const dial = (care4wId: string, displayName?: string) => {
    props.value.value = care4wId;
    if (idle) void engine.current!.call(care4wId, displayName);
  };
  return <props.People call={dial} canCall={idle} />;
}

/** The pad itself; it steps aside (renders nothing) while a call rings or goes on. */
function DialPad({ value }: { value: Signal<string> }) {
  const target = useComputed(() => classifyDialTarget(value.value));
  const lookup = useCalleeLookup(target);
  const { call, engine, dialerShown } = usePhone();
  useEffect(() => {
    dialerShown.value = true;
    return () => (dialerShown.value = false);
  }, []);
  const voicemail = useVoicemailOffer(call, engine);
  const [Leave, setLeave] = useState<Leave | null>(null);
  useEffect(() => {
    if (!voicemail.value || Leave) return;
    void import("../components/phone/LeaveVoicemail.tsx").then((m) =>
      setLeave(() => m.LeaveVoicemail)
    );
  }, [voicemail.value]);
  const micBlocked = useMicBlocked();

  const snapshot = call.value;
  // Phone numbers need a line to the phone network (Twilio or the SIP trunk) that is up; a
  // CareFlow ID must belong to someone and needs the deployment's engine to be ready.
  const current = target.value;
  const line: PhoneLine = {
    exists: engine.current !== null && engine.current.phoneLine !== null,
    ready: snapshot.phonesReady,
    problem: snapshot.phonesProblem,
    allowed: current.kind !== "phone" || (engine.current?.allows?.(current.e164) ?? true),
  };
  const dialable = current.kind === "care4w"
    ? lookup.value.state === "found" && snapshot.ready
    : current.kind === "phone" && line.ready && line.allowed;
  const canCall = dialable && (snapshot.phase === "idle" || snapshot.phase === "ended");

  const press = (key: string) => {
    if (value.value.length < MAX_LENGTH) value.value += key;
  };
  const backspace = () => (value.value = value.value.slice(0, -1));
  const placeCall = () => {
    const current = target.value;
    if (!canCall || !engine.current) return;
    const found = lookup.value.state === "found" ? lookup.value.displayName : undefined;
    if (current.kind === "care4w") void engine.current.call(current.care4wId, found);
    else if (current.kind === "phone") void engine.current.call(current.e164);
  };

  // Keys typed while a keypad button has focus go to the number, like a desk phone.
  const onKeyDown = (event: TargetedKeyboardEvent<HTMLDivElement>) => {
    if (event.target instanceof HTMLInputElement) {
      if (event.key === "Enter") placeCall();
      return;
    }
    if (/^[0-9*#+]$/.test(event.key)) press(event.key);
    else if (event.key === "Backspace") backspace();
    else if (event.key === "Enter") placeCall();
    else return;
    event.preventDefault();
  };

  const busy = snapshot.callId !== null && snapshot.phase !== "ended";
  if ((snapshot.phase === "incoming" || busy) && engine.current) return null;
  return (
    <section class="dialer card" aria-labelledby="dialer-title" onKeyDown={onKeyDown}>
      <h1 id="dialer-title">Dialer</h1>
      {micBlocked && (
        <p class="form-error" role="alert" data-testid="mic-blocked">
          Your microphone is blocked for CareFlow: calls cannot connect. Allow it in the browser's
          site settings.
        </p>
      )}
      {voicemail.value && Leave && (
        <Leave {...voicemail.value} onClose={() => (voicemail.value = null)} />
      )}
      {snapshot.savingParts > 0 && (
        <p class="saving" role="status" data-testid="saving-recording">
          Saving the recording… {snapshot.savingParts} part(s) still to send.
        </p>
      )}
      {/* How a call ended is the phone's end card's to announce (it stays); this line only shows. */}
      <p
        class={`phone-state ${snapshot.phase}`}
        data-testid="call-status"
        role={snapshot.phase === "ended" ? undefined : "status"}
      >
        {snapshot.problem ?? statusText(snapshot)}
      </p>
      <DialField value={value} backspace={backspace}>
        <Hint target={target.value} lookup={lookup.value} line={line} />
      </DialField>
      <Keypad onPress={press} />
      <button type="button" class="button call" disabled={!canCall} onClick={placeCall}>
        Call
      </button>
    </section>
  );
}

/** The line to outside phones: whether this deployment has one, and whether it is up. */
interface PhoneLine {
  exists: boolean;
  ready: boolean;
  problem: string | null;
  /** The organisation allows calls to this number's country. */
  allowed: boolean;
}

/**
 * After an unanswered call to a colleague (webrtc mode), the offer to leave them a message; kept
 * once offered, as the ended state itself gives way to idle after a moment.
 */
function useVoicemailOffer(call: Signal<CallSnapshot>, engine: { current: CallEngine | null }) {
  const voicemail = useSignal<{ callId: string; name: string } | null>(null);
  useSignalEffect(() => {
    const ended = call.value;
    if (
      ended.phase === "ended" && ended.direction === "outbound" && ended.callId &&
      ended.endKind && UNANSWERED.has(ended.endKind) && engine.current?.mode === "webrtc" &&
      ended.remote?.care4wId.startsWith("care4w-") && voicemail.peek()?.callId !== ended.callId
    ) {
      voicemail.value = {
        callId: ended.callId,
        name: ended.remote?.displayName ?? "The person you called",
      };
    }
  });
  return voicemail;
}

/** The number being dialled, with its backspace and clear buttons and the hint below it. */
function DialField(
  props: { value: Signal<string>; backspace: () => void; children: ComponentChildren },
) {
  const { value, backspace } = props;
  return (
    <div class="field">
      <label for="dial-input">Number or CareFlow ID</label>
      <div class="dial-row">
        <input
          id="dial-input"
          class="dial-input"
          inputMode="tel"
          autocomplete="off"
          spellcheck={false}
          maxLength={MAX_LENGTH}
          placeholder="care4w-1000001 or +44…"
          value={value.value}
          onInput={(event) => (value.value = event.currentTarget.value)}
          aria-describedby="dial-hint"
        />
        <button type="button" class="icon" aria-label="Backspace" onClick={backspace}>⌫</button>
        <button
          type="button"
          class="icon"
          aria-label="Clear"
          onClick={() => (value.value = "")}
        >
          ✕
        </button>
      </div>
      <p id="dial-hint" class="hint" aria-live="polite" data-testid="dial-hint">
        {props.children}
      </p>
    </div>
  );
}

function Hint(props: { target: DialTarget; lookup: Lookup; line: PhoneLine }) {
  const { target, lookup, line } = props;
  if (target.kind === "empty") return <>Type a CareFlow ID or a phone number.</>;
  if (target.kind === "invalid") return <>Not a CareFlow ID or a phone number yet.</>;
  if (target.kind === "phone") {
    if (!line.allowed) {
      return <>Phone number {target.e164}. Calls to this country are not allowed here.</>;
    }
    if (line.ready) return <>Phone number {target.e164}</>;
    if (!line.exists) {
      return <>Phone number {target.e164}. No outside line is set up for calls to phones.</>;
    }
    return <>Phone number {target.e164}. {line.problem ?? "The outside line is connecting…"}</>;
  }
  const who = lookup.state === "found"
    ? (
      <>
        : <strong data-testid="callee-name">{lookup.displayName}</strong>
        {/* The presence word says more than online/offline; the latter only without it. */}
        {lookup.online !== undefined && !lookup.presence && (
          <span class={`presence ${lookup.online ? "online" : "offline"}`} data-testid="presence">
            {` (${lookup.online ? "online" : "offline"})`}
          </span>
        )}
        {lookup.presence && (
          <span data-testid="presence-word">{` ${PRESENCE_LABELS[lookup.presence]}`}</span>
        )}
      </>
    )
    : lookup.state === "missing"
    ? <>: nobody has this ID</>
    : lookup.state === "error"
    ? <>: could not look it up</>
    : <>: looking up…</>;
  return (
    <>
      CareFlow ID <span class="care4w-id">{target.care4wId}</span>
      {who}
    </>
  );
}

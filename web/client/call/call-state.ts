/**
 * What every call engine keeps the same way: the snapshot and its listeners, the ring and
 * ringback tones, and the end of a call (its words from `end-reasons.ts`, shown for a moment,
 * then idle). Engines only add their transport.
 */
import { type CallEnd, endText } from "./end-reasons.ts";
import { playTone, type Tone } from "./ringtone.ts";
import { type CallSnapshot, IDLE } from "./types.ts";

/** How long the "ended" state stays on screen before the phone is idle again. */
export const ENDED_DISPLAY_MS = 3_000;

/** The state holder of one engine. */
export interface CallState {
  readonly state: CallSnapshot;
  /** Applies a change and tells every listener. */
  update(patch: Partial<CallSnapshot>): void;
  subscribe(listener: (snapshot: CallSnapshot) => void): () => void;
  /** True while a call exists and has not ended. */
  inCall(): boolean;
  /** A new call begins with `patch`; the pending return to idle must not wipe it. */
  begin(patch: Partial<CallSnapshot>): void;
  /** Plays the ring (incoming) or ringback (outgoing) tone, or stops it. */
  tone(kind: "ring" | "ringback" | null): void;
  /**
   * Shows the call as ended (tone stopped) with the words for `end`, or with `text` for a
   * problem of the device itself; idle after a moment unless a new call began.
   */
  showEnded(end: CallEnd | { text: string }): void;
  /**
   * The words for how the call shown ended: `text` as given, else `end-reasons.ts`'s for the
   * call's direction and party, naming whom it was handed to after a transfer this tab asked for.
   */
  endingText(end: CallEnd | { text: string }): string;
  /** Stops the pending return to idle (the engine is stopping). */
  cancelIdle(): void;
}

/**
 * What outlives a call: the line's state, a recording still being sent, and the calls beside it
 * (one waiting, one on hold: call waiting).
 */
const lasting = (state: CallSnapshot) => ({
  ready: state.ready,
  problem: state.problem,
  savingParts: state.savingParts,
  waiting: state.waiting,
  parked: state.parked,
});

/**
 * What belongs to the line, not to a call, as it is now: kept when a call on hold comes back in
 * place of the one shown (call waiting), whatever changed while it was aside.
 */
export const lineOf = (state: CallSnapshot) => ({
  ready: state.ready,
  problem: state.problem,
  savingParts: state.savingParts,
  phonesReady: state.phonesReady,
  phonesProblem: state.phonesProblem,
  waiting: state.waiting,
});

/** Creates the state holder of one engine. */
export function createCallState(): CallState {
  let state: CallSnapshot = { ...IDLE };
  const listeners = new Set<(snapshot: CallSnapshot) => void>();
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let playing: Tone | null = null;
  const update = (patch: Partial<CallSnapshot>) => {
    state = { ...state, ...patch };
    for (const listener of listeners) listener(state);
  };
  const tone = (kind: "ring" | "ringback" | null) => {
    playing?.stop();
    playing = kind ? playTone(kind) : null;
  };
  const endingText = (end: CallEnd | { text: string }) => {
    if (typeof end !== "string") return end.text;
    if (end === "transferred" && state.transferringTo) {
      return `Call transferred to ${state.transferringTo}`;
    }
    return endText(end, state.direction, state.remote?.displayName);
  };
  return {
    get state() {
      return state;
    },
    update,
    subscribe(listener) {
      listeners.add(listener);
      listener(state);
      return () => listeners.delete(listener);
    },
    inCall: () => state.callId !== null && state.phase !== "ended",
    begin(patch) {
      clearTimeout(idleTimer);
      update({ ...IDLE, ...lasting(state), ...patch });
    },
    tone,
    endingText,
    showEnded(end) {
      tone(null);
      const callId = state.callId;
      const reason = endingText(end);
      update({
        phase: "ended",
        endReason: reason,
        endKind: typeof end === "string" ? end : null,
        quality: null,
        held: false,
        remoteHeld: false,
        recording: "off",
        peerRecording: false,
      });
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        if (state.phase === "ended" && state.callId === callId) {
          update({ ...IDLE, ...lasting(state) });
        }
      }, ENDED_DISPLAY_MS);
    },
    cancelIdle: () => clearTimeout(idleTimer),
  };
}

import { type CallSnapshot, IDLE } from "./types.ts";

/** How long the "ended" state stays on screen before the phone is idle again. */
export const ENDED_DISPLAY_MS = 3_000;

/** The state every engine keeps the same way: a snapshot, its listeners, and the end display. */
export interface CallState {
  readonly state: CallSnapshot;
  /** Applies a change and tells every listener. */
  update(patch: Partial<CallSnapshot>): void;
  subscribe(listener: (snapshot: CallSnapshot) => void): () => void;
  /** Shows the call as ended with `reason`, then idle after a moment unless a new call began. */
  showEnded(reason: string): void;
  /** A new call begins: the pending return to idle must not wipe it. */
  cancelIdle(): void;
}

/** Creates the state holder of one engine. */
export function createCallState(): CallState {
  let state: CallSnapshot = { ...IDLE };
  const listeners = new Set<(snapshot: CallSnapshot) => void>();
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const update = (patch: Partial<CallSnapshot>) => {
    state = { ...state, ...patch };
    for (const listener of listeners) listener(state);
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
    showEnded(reason) {
      const callId = state.callId;
      update({ phase: "ended", endReason: reason, quality: null, held: false, remoteHeld: false });
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        if (state.phase === "ended" && state.callId === callId) {
          update({ ...IDLE, ready: state.ready, problem: state.problem });
        }
      }, ENDED_DISPLAY_MS);
    },
    cancelIdle: () => clearTimeout(idleTimer),
  };
}

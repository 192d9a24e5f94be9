/**
 * The seed's routing rule in the browser: a CareFlow ID is called with the deployment's engine
 * (webrtc or sip); a phone number goes to Twilio when the server handed out a Twilio token, else
 * to the SIP trunk in sip mode, else nowhere (the dialer says no outside line is set up). Calls in
 * arrive on either. The dialer sees one engine whose snapshot is the one with a call.
 */
import { classifyDialTarget } from "../../../shared/dial-target.ts";
import type { CallEngine, CallSnapshot } from "./types.ts";

const active = (s: CallSnapshot) => s.callId !== null && s.phase !== "idle";

/** One engine over `primary` (CareFlow IDs, and phones in sip mode) and `phones` (Twilio). */
export function routeEngines(primary: CallEngine, phones: CallEngine | null): CallEngine {
  if (!phones) return primary;
  let main: CallSnapshot | null = null;
  let outside: CallSnapshot | null = null;
  const listeners = new Set<(snapshot: CallSnapshot) => void>();
  /** The engine whose call is shown: the phone line's while it has one. */
  const current = () => (outside && active(outside) ? phones : primary);
  const snapshot = (): CallSnapshot | null => {
    if (!main || !outside) return null;
    const shown = active(outside) ? outside : main;
    return { ...shown, ready: main.ready, problem: main.problem, ...phoneLineOf(outside) };
  };
  const tell = () => {
    const s = snapshot();
    if (s) { for (const listener of listeners) listener(s); }
  };
  const inCall = (s: CallSnapshot | null) => s !== null && active(s) && s.phase !== "ended";
  let unsubscribe: (() => void)[] = [];

  const engine: CallEngine = {
    mode: primary.mode,
    phoneLine: "twilio",
    get canHold() {
      return current().canHold;
    },
    get canRecord() {
      return current().canRecord;
    },
    get audio() {
      return current().audio;
    },
    get canTransfer() {
      return current().canTransfer ?? false;
    },
    transfer: (target) => current().transfer?.(target),
    consult: (target) => current().consult?.(target),
    completeTransfer: () => current().completeTransfer?.(),
    answerWaiting: async () => await current().answerWaiting?.(),
    declineWaiting: (toVoicemail) => current().declineWaiting?.(toVoicemail),
    swap: () => current().swap?.(),
    allows: (e164) => phones.allows?.(e164) ?? true,
    start() {
      unsubscribe = [
        primary.subscribe((s) => {
          // A colleague calling while this tab talks to a phone: refused, not rung unseen.
          if (s.phase === "incoming" && inCall(outside)) primary.decline();
          main = s;
          tell();
        }),
        phones.subscribe((s) => {
          outside = s;
          tell();
        }),
      ];
      primary.start();
      phones.start();
    },
    call: (target, displayName) =>
      classifyDialTarget(target).kind === "phone"
        ? phones.call(target)
        : primary.call(target, displayName),
    answer: () => current().answer(),
    decline: () => current().decline(),
    cancel: () => current().cancel(),
    hangup: () => current().hangup(),
    setMuted: (muted) => current().setMuted(muted),
    setHeld: (held) => current().setHeld(held),
    setRecording: (on) => current().setRecording(on),
    refuseRecording: () => current().refuseRecording(),
    sendDtmf: (tones) => current().sendDtmf(tones),
    subscribe(listener) {
      listeners.add(listener);
      const s = snapshot();
      if (s) listener(s);
      return () => listeners.delete(listener);
    },
    stop() {
      for (const stop of unsubscribe) stop();
      primary.stop();
      phones.stop();
    },
  };
  return engine;
}

/** Whether the phone line is up, from the Twilio engine's own state. */
function phoneLineOf(outside: CallSnapshot) {
  return { phonesReady: outside.ready, phonesProblem: outside.ready ? null : outside.problem };
}

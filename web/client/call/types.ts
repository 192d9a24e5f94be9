/**
 * The one call-engine interface behind the dialer, implemented by the `webrtc` engine
 * (peer-to-peer through web's signaling) and the `sip` engine (sip.js to Kamailio); each is its
 * own chunk, loaded only when the server's mode asks for it, and both pass one contract suite
 * (`web/e2e/engines.test.ts`). The `twilio` engine (the Voice SDK) carries phone numbers beside
 * either, joined by `routed-engine.ts`; it is tested against a stand-in for Twilio's gateway
 * (`web/e2e/twilio-engine.test.ts`).
 */
import type { QualityGrade } from "../../../shared/quality.ts";
import type { CallDirection, CallMode, Party } from "../../../shared/calls.ts";
import type { CallEnd } from "./end-reasons.ts";

export type { CallMode, Party };

/**
 * - `calling`: invite sent, nobody rings yet; `ringing`: the other side rings (outgoing);
 * - `incoming`: we ring; `connecting`: answered, media being set up;
 * - `connected`: audio flows; `reconnecting`: the media path broke and is being restored;
 * - `ended`: see `endReason` (words from `end-reasons.ts`), shown briefly, then `idle`.
 */
export type CallPhase =
  | "idle"
  | "calling"
  | "ringing"
  | "incoming"
  | "connecting"
  | "connected"
  | "reconnecting"
  | "ended";

/** The live call-quality grade: the same words the history uses. */
export type Quality = QualityGrade;

export interface CallSnapshot {
  phase: CallPhase;
  callId: string | null;
  direction: CallDirection | null;
  remote: Party | null;
  /** When audio first connected (ms since epoch), for the call timer. */
  connectedAt: number | null;
  muted: boolean;
  /** We put the call on hold. */
  held: boolean;
  /** The other side put the call on hold. */
  remoteHeld: boolean;
  quality: Quality | null;
  /** Why the last call ended, in words a care worker understands. */
  endReason: string | null;
  /** Whether this tab records the call: asked for, running, or not. */
  recording: "off" | "starting" | "on";
  /** The other party is recording the call (they told us; we may refuse). */
  peerRecording: boolean;
  /** Parts of a recording still being sent, also after the call ended (0: nothing pending). */
  savingParts: number;
  /** Something the user should know about the recording (a refusal, a failure). */
  notice: string | null;
  /** How the last call ended, for what may follow (a voicemail offer). */
  endKind: CallEnd | null;
  /** Whether this tab can place and receive calls right now. */
  ready: boolean;
  /** A problem with the phone itself (microphone refused, server unreachable). */
  problem: string | null;
  /** Whether calls to phone numbers can be placed right now (the engine's `phoneLine` is up). */
  phonesReady: boolean;
  /** Why they cannot, when the line exists but is down (Twilio unreachable, token refused). */
  phonesProblem: string | null;
  /** The colleague who handed this call over (a transfer), shown beside the other party. */
  transferredBy: Party | null;
  /** Whom we last asked to hand this call to (a name or ID), for "Call transferred to …". */
  transferringTo: string | null;
  /** A second call ringing while this one goes on (call waiting). */
  waiting: OtherCall | null;
  /** The other call, on hold, since a call waiting was answered (`swap` brings it back). */
  parked: OtherCall | null;
  /** This call asks a colleague first, to transfer the call on hold to them (attended). */
  consulting: boolean;
}

/** A call beside the one shown: ringing (waiting) or on hold (parked). */
export interface OtherCall {
  callId: string;
  remote: Party;
}

export const IDLE: CallSnapshot = {
  phase: "idle",
  callId: null,
  direction: null,
  remote: null,
  connectedAt: null,
  muted: false,
  held: false,
  remoteHeld: false,
  quality: null,
  endReason: null,
  recording: "off",
  peerRecording: false,
  savingParts: 0,
  notice: null,
  endKind: null,
  ready: false,
  problem: null,
  phonesReady: false,
  phonesProblem: null,
  transferredBy: null,
  transferringTo: null,
  waiting: null,
  parked: null,
  consulting: false,
};

/**
 * What a call starting beside another (call waiting, asking a colleague first) resets: nothing of
 * the call before it, while the line's state and the calls beside it stay.
 */
export const FRESH_CALL: Partial<CallSnapshot> = Object.fromEntries(
  ([
    "connectedAt",
    "muted",
    "held",
    "remoteHeld",
    "quality",
    "endReason",
    "recording",
    "peerRecording",
    "notice",
    "endKind",
    "transferredBy",
    "transferringTo",
    "consulting",
  ] as const).map((key) => [key, IDLE[key]]),
);

/** A call of the snapshot as the call beside another one (waiting, on hold). */
export const otherCall = (snapshot: CallSnapshot): OtherCall => ({
  callId: snapshot.callId!,
  remote: snapshot.remote!,
});

/** The recording part of an engine whose calls are recorded by the server side, not the tab. */
export const RECORDED_ELSEWHERE: Pick<
  CallEngine,
  "canRecord" | "setRecording" | "refuseRecording"
> = {
  canRecord: false,
  setRecording() {},
  refuseRecording() {},
};

/** The microphones and speakers a call can use, and the choice between them. */
export interface AudioChoice {
  list(): Promise<{
    inputs: { id: string; label: string }[];
    outputs: { id: string; label: string }[];
    /** Browsers without `setSinkId` play through the default speaker only. */
    canChooseOutput: boolean;
  }>;
  choose(kind: "input" | "output", id: string): Promise<void>;
}

export interface CallEngine {
  readonly mode: CallMode;
  /** What carries calls to phone numbers: Twilio, the SIP trunk, or nothing (webrtc alone). */
  readonly phoneLine: "twilio" | "sip" | null;
  /** Connects (signaling or registration); the phone can ring after this. */
  start(): void;
  /**
   * Places a call to a CareFlow ID (or, in sip/twilio modes, a phone number); `displayName` is the
   * name the user saw for it, shown on the call's card until the other side names itself.
   */
  call(target: string, displayName?: string): Promise<void>;
  answer(): Promise<void>;
  decline(): void;
  /** Withdraws an outgoing call that has not been answered. */
  cancel(): void;
  hangup(): void;
  setMuted(muted: boolean): void;
  /** Whether this engine can hold a call; where it cannot, the control says so. */
  readonly canHold: boolean;
  setHeld(held: boolean): void;
  /** Whether this engine can record its calls (the browser records browser-to-browser calls). */
  readonly canRecord: boolean;
  /** Starts or stops recording the connected call; the other party is told first. */
  setRecording(on: boolean): void;
  /** Does not consent to the other party's recording: theirs stops and is deleted. */
  refuseRecording(): void;
  sendDtmf(tones: string): void;
  /** Whether this engine can hand the connected call to a colleague (a blind transfer). */
  readonly canTransfer?: boolean;
  /**
   * Hands the other party to `target` (a CareFlow ID) and leaves the call once the server took
   * it; a refusal (nobody by that ID, not available) keeps the call and is told in `notice`.
   */
  transfer?(target: string): void;
  /** Attended transfer: holds this call and calls `target` to ask them first. */
  consult?(target: string): void;
  /** Attended transfer: hands the call on hold to the colleague of the call shown. */
  completeTransfer?(): void;
  /**
   * Call waiting (engines that have it): answers the call waiting, the current one going on
   * hold; declines it, or sends it to voicemail (the caller hears busy); swaps the call shown
   * with the one on hold.
   */
  answerWaiting?(): Promise<void>;
  declineWaiting?(toVoicemail: boolean): void;
  swap?(): void;
  /** Whether a call to `e164` may be placed (absent: any number the line reaches). */
  allows?(e164: string): boolean;
  /** Microphone and speaker choice, where the engine offers it. */
  readonly audio?: AudioChoice;
  /** Called with a new snapshot on every change (and once at once). Returns an unsubscribe. */
  subscribe(listener: (snapshot: CallSnapshot) => void): () => void;
  /** Ends any call, releases devices and disconnects. */
  stop(): void;
}

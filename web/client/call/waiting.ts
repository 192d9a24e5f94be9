/**
 * Call waiting in the webrtc engine: a second call while one goes on rings softly beside it (two
 * quiet beeps, `waiting` in the snapshot). Answering it puts the first on hold (`parked`: its peer
 * connection stays up, its audio silenced both ways) and the swap exchanges the two. When the call
 * shown ends, the one on hold comes back (still on hold: Resume takes it up again) with the ending
 * as a notice; when the call shown ends with one only waiting, that one rings as a plain call.
 *
 * One call waiting and one on hold at most: a third caller hears busy.
 */
import type { ClientMessage, ServerMessage } from "../../../shared/signal.ts";
import { type CallState, lineOf } from "./call-state.ts";
import { playTone, type Tone } from "./ringtone.ts";
import { type CallSnapshot, FRESH_CALL, otherCall, type Party } from "./types.ts";
import { type Media, releaseMedia, silence } from "./call-media.ts";

/** What call waiting needs from the engine. */
export interface WaitingContext {
  calls: CallState;
  /** The media of the call shown; a parked call's media is moved out of it and back. */
  media: Media;
  send(message: ClientMessage): boolean;
  /** Opens the microphone; false when it could not (the call then ended with the reason). */
  microphone(onRefused: () => void): Promise<boolean>;
  startPeer(offerer: boolean): unknown;
}

/** Frames that end a call for a tab (as shared/signal.ts's `isCallEnd`, without its zod). */
const ENDINGS = new Set(["reject", "cancel", "hangup", "ended", "transfer"]);

/** A call put aside: what the snapshot said of it, and its media. */
interface Parked {
  snapshot: CallSnapshot;
  media: Media;
}

/** Call waiting over one engine's state and media. */
export class CallWaiting {
  #tone: Tone | null = null;
  #parked: Parked | null = null;

  constructor(private readonly ctx: WaitingContext) {}

  /** An invite while on a call: rung softly beside it; a third call is answered busy. */
  ring(callId: string, remote: Party): void {
    const { calls, send } = this.ctx;
    const { phase, remote: calling } = calls.state;
    // Glare: the person we are calling calls us. The server settles it (`crossed`) and rings
    // this tab again with their call once ours gave way; this invite is not a second call.
    const outgoing = phase === "calling" || phase === "ringing";
    if (outgoing && calling?.care4wId === remote.care4wId) return;
    if (calls.state.waiting || this.#parked) {
      send({ type: "reject", callId, reason: "busy" });
      return;
    }
    calls.update({ waiting: { callId, remote } });
    send({ type: "ringing", callId });
    this.#tone = playTone("waiting");
  }

  /** Answers the call waiting; the call shown goes on hold. */
  async answer(): Promise<void> {
    const { calls, send } = this.ctx;
    const waiting = calls.state.waiting;
    if (!waiting || this.#parked) return;
    this.#stopTone();
    const parked = this.#parked = this.#park();
    calls.update({
      ...FRESH_CALL,
      phase: "connecting",
      callId: waiting.callId,
      direction: "inbound",
      remote: waiting.remote,
      waiting: null,
      parked: otherCall(parked.snapshot),
    });
    const noMicrophone = () =>
      send({ type: "reject", callId: waiting.callId, reason: "no-microphone" });
    if (!(await this.ctx.microphone(noMicrophone))) return;
    this.ctx.startPeer(false);
    send({ type: "accept", callId: waiting.callId });
  }

  /** Declines the call waiting, or sends it to voicemail (the caller hears busy). */
  decline(toVoicemail: boolean): void {
    const { calls, send } = this.ctx;
    const waiting = calls.state.waiting;
    if (!waiting) return;
    this.#stopTone();
    send(
      toVoicemail
        ? { type: "reject", callId: waiting.callId, reason: "busy" }
        : { type: "reject", callId: waiting.callId },
    );
    calls.update({ waiting: null });
  }

  /**
   * Attended transfer: the call shown goes on hold, out of the way of the call that asks the
   * colleague first. Returns the held call's id, or null when there is no call to hold or one is
   * on hold already.
   */
  holdToConsult(): string | null {
    const { calls } = this.ctx;
    if (this.#parked || calls.state.phase !== "connected") return null;
    const parked = this.#parked = this.#park();
    calls.update({
      ...FRESH_CALL,
      phase: "idle",
      callId: null,
      remote: null,
      parked: otherCall(parked.snapshot),
    });
    return parked.snapshot.callId;
  }

  /** The call shown goes on hold and the one on hold comes back. */
  swap(): void {
    const { calls, media, send } = this.ctx;
    const back = this.#parked;
    if (!back || calls.state.phase !== "connected") return;
    const current = this.#park();
    Object.assign(media, back.media);
    const snapshot = { ...back.snapshot, held: false };
    send({ type: "unhold", callId: snapshot.callId! });
    silence(media, snapshot);
    this.#parked = current;
    calls.update({ ...snapshot, ...lineOf(calls.state), parked: otherCall(current.snapshot) });
  }

  /**
   * The call shown ended (its media already released): the call on hold is shown again, or a
   * call waiting rings as a plain one. False when neither exists (the end card shows).
   */
  afterEnd(endText: string): boolean {
    const { calls, media } = this.ctx;
    const back = this.#parked;
    if (back) {
      this.#parked = null;
      Object.assign(media, back.media);
      calls.update({ ...back.snapshot, ...lineOf(calls.state), parked: null, notice: endText });
      return true;
    }
    const waiting = calls.state.waiting;
    if (!waiting) return false;
    this.#stopTone();
    calls.begin({
      phase: "incoming",
      callId: waiting.callId,
      direction: "inbound",
      remote: waiting.remote,
    });
    calls.tone("ring");
    return true;
  }

  /** A frame for the call waiting or the call on hold; true when it was about one of them. */
  async handle(message: ServerMessage): Promise<boolean> {
    const { calls } = this.ctx;
    if (!("callId" in message) || !message.callId) return false;
    if (calls.state.waiting?.callId === message.callId) {
      if (ENDINGS.has(message.type)) {
        this.#stopTone();
        calls.update({ waiting: null });
      }
      return true;
    }
    const parked = this.#parked;
    if (parked?.snapshot.callId !== message.callId) return false;
    const name = parked.snapshot.remote?.displayName;
    if (message.type === "ended" && message.reason === "transferred") {
      this.#drop(`${name} is being transferred`);
    } else if (ENDINGS.has(message.type)) {
      this.#drop(`${name} hung up while on hold`);
    } else if (message.type === "hold" || message.type === "unhold") {
      parked.snapshot = { ...parked.snapshot, remoteHeld: message.type === "hold" };
    } else if (message.type === "offer" || message.type === "answer") {
      await parked.media.peer?.receive(message.type, message.sdp);
    } else if (message.type === "candidate") {
      await parked.media.peer?.candidate(message.candidate);
    }
    return true;
  }

  /** The call on hold lost its media path: it is over for both sides. */
  lost(callId: string): void {
    const parked = this.#parked;
    if (parked?.snapshot.callId !== callId) return;
    this.ctx.send({ type: "hangup", callId, reason: "failed" });
    this.#drop(`The call on hold with ${parked.snapshot.remote?.displayName} was lost`);
  }

  /** The engine stops: the call on hold is hung up, the one waiting declined. */
  stop(): void {
    const parked = this.#parked;
    if (parked) {
      this.ctx.send({ type: "hangup", callId: parked.snapshot.callId! });
      this.#drop("");
    }
    this.decline(false);
    this.#stopTone();
  }

  #stopTone() {
    this.#tone?.stop();
    this.#tone = null;
  }

  /** Holds the call shown and takes its media out of `media`. */
  #park(): Parked {
    const { calls, media, send } = this.ctx;
    const snapshot = { ...calls.state, held: true };
    if (!calls.state.held) send({ type: "hold", callId: snapshot.callId! });
    silence(media, snapshot);
    const moved = { snapshot, media: { ...media } };
    Object.assign(media, { stream: null, remote: null, peer: null, audio: null, recorder: null });
    return moved;
  }

  /** The call on hold is over: its media let go, the person told. */
  #drop(notice: string) {
    const parked = this.#parked;
    if (!parked) return;
    releaseMedia(parked.media, parked.snapshot.callId);
    this.#parked = null;
    this.ctx.calls.update({ parked: null, notice });
  }
}

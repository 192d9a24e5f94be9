/**
 * Call waiting in the `sip` engine: an INVITE arriving while a call is established is kept (180
 * Ringing) and rings softly beside it (`waiting`), when the user has call waiting on. Answering it
 * puts the call shown on hold (a re-INVITE with sendonly, our track and its audio silenced) and
 * keeps that session aside (`parked`); the swap holds the one and resumes the other. When the call
 * shown ends, the one on hold comes back (still on hold: Resume takes it up) with the ending as a
 * notice; with one only waiting, that one rings as a plain call.
 *
 * Each call keeps its own `Line` (session, remote audio, how this tab ended it): the engine's
 * `line` is always the call shown, and a parked call's line is moved out of it and back. Events of
 * the parked session never touch the snapshot, except its end (which clears `parked`).
 *
 * Attended transfer parks the call shown the same way (`holdToConsult`) before it calls the
 * colleague, so a consultation that fails brings the call on hold back like any call shown.
 *
 * One call waiting and one on hold at most: a third caller hears 486 Busy Here, as does any caller
 * while call waiting is off or the call shown is not established yet.
 */
import { Grammar, type Invitation, type Session, SessionState, type Web } from "sip.js";
import { type CallState, lineOf } from "./call-state.ts";
import type { CallEnd } from "./end-reasons.ts";
import { microphoneProblem } from "./media.ts";
import { playTone, type Tone } from "./ringtone.ts";
import type { Line } from "./sip-engine.ts";
import { type CallSnapshot, FRESH_CALL, otherCall } from "./types.ts";
import { settingsNow } from "../settings.ts";

/** The media handler of a session, once it has one. */
export const handlerOf = (s: Session | null) =>
  (s?.sessionDescriptionHandler ?? null) as Web.SessionDescriptionHandler | null;

/**
 * Sends the hold (sendonly) or resume re-INVITE of `line`'s established session, and silences or
 * restores its audio both ways; `refused` runs when the other side did not take it.
 */
export function holdLine(line: Line, held: boolean, muted: boolean, refused: () => void): void {
  const s = line.session;
  if (!s || s.state !== SessionState.Established) return;
  // No constraints: the microphone the call started with stays (new ones would open it again).
  s.sessionDescriptionHandlerOptionsReInvite = {
    hold: held,
  } as typeof s.sessionDescriptionHandlerOptionsReInvite;
  void s.invite({ requestDelegate: { onReject: refused } }).catch(refused);
  if (line.audio) line.audio.muted = held;
  handlerOf(s)?.enableSenderTracks(!held && !muted);
}

/** Holds (a re-INVITE with sendonly, our track muted) or resumes the established call shown. */
export function holdShown(line: Line, calls: CallState, held: boolean): void {
  const s = line.session;
  if (!s || s.state !== SessionState.Established || held === calls.state.held) return;
  calls.update({ held });
  holdLine(line, held, calls.state.muted, () => {
    // Refused: as it was, unless this call has been swapped away meanwhile.
    if (line.session === s) calls.update({ held: !held });
  });
}

/** What call waiting needs from the engine. */
export interface SipWaitingContext {
  calls: CallState;
  /** The call shown; a parked call's fields are moved out of it and back. */
  line: Line;
  /** Follows a session that becomes the call shown (its media, its end). */
  follow(s: Session, ending: () => CallEnd): void;
  /** Rings an invitation as a plain incoming call (it is the call shown already). */
  ringing(invitation: Invitation): void;
  /** Answers an invitation with the user's microphone. */
  accept(invitation: Invitation): Promise<void>;
  /** Ends the call shown from this side, with the words for why. */
  endByUs(end: Ending): void;
}

type Ending = CallEnd | { text: string };

/** A call put aside: what the snapshot said of it, and its own line. */
interface Parked {
  snapshot: CallSnapshot;
  line: Line;
}

/**
 * The party an invitation comes from. Kamailio asserts a colleague's identity (P-Asserted-Identity
 * with their CareFlow ID and directory name, after removing any a device sent: auth.cfg), so that
 * names them rather than the From a device chose; without it, From.
 */
export function callerOf(invitation: Invitation) {
  const asserted = invitation.request.getHeader("P-Asserted-Identity");
  const identity = (asserted && Grammar.nameAddrHeaderParse(asserted)) || invitation.remoteIdentity;
  const care4wId = identity.uri.user ?? "unknown";
  return { care4wId, displayName: identity.displayName || care4wId };
}

/** Call waiting over the sip engine's state and its line. */
export class SipCallWaiting {
  #tone: Tone | null = null;
  #waiting: Invitation | null = null;
  #parked: Parked | null = null;
  /** Sessions whose end is followed here already (a call may be parked more than once). */
  #watched = new WeakSet<Session>();

  constructor(private readonly ctx: SipWaitingContext) {}

  /** An INVITE while on a call: kept and rung softly, or answered busy. */
  offer(invitation: Invitation): void {
    const { calls, line } = this.ctx;
    const established = line.session?.state === SessionState.Established;
    if (!settingsNow().presence.callWaiting || this.#waiting || this.#parked || !established) {
      void invitation.reject({ statusCode: 486 }).catch(() => {});
      return;
    }
    this.#waiting = invitation;
    // The caller withdrew (CANCEL), or sip.js gave up on it: it no longer waits.
    invitation.stateChange.addListener((state) => {
      if (state === SessionState.Terminated && this.#waiting === invitation) this.#unring();
    });
    calls.update({ waiting: { callId: invitation.request.callId, remote: callerOf(invitation) } });
    void invitation.progress().catch(() => {});
    this.#tone = playTone("waiting");
  }

  /** Answers the call waiting; the call shown goes on hold. */
  async answer(): Promise<void> {
    const { calls, line } = this.ctx;
    const invitation = this.#waiting;
    if (!invitation || this.#parked || line.session?.state !== SessionState.Established) return;
    this.#stopTone();
    this.#waiting = null;
    const parked = this.#parked = this.#park();
    Object.assign(line, { session: invitation, audio: null, endedByUs: null });
    calls.update({
      ...FRESH_CALL,
      phase: "connecting",
      callId: invitation.request.callId,
      direction: "inbound",
      remote: callerOf(invitation),
      waiting: null,
      parked: otherCall(parked.snapshot),
    });
    this.ctx.follow(invitation, () => "hangup");
    try {
      await this.ctx.accept(invitation);
    } catch (error) {
      if (line.session === invitation) this.ctx.endByUs({ text: microphoneProblem(error) });
    }
  }

  /**
   * Declines the call waiting (603: a person's "no"), or sends it to voicemail: 486 Busy Here,
   * which FreeSWITCH, where it is in the path, takes to voicemail (else the caller hears busy).
   */
  decline(toVoicemail: boolean): void {
    const invitation = this.#waiting;
    if (!invitation) return;
    this.#unring();
    void invitation.reject({ statusCode: toVoicemail ? 486 : 603 }).catch(() => {});
  }

  /**
   * Attended transfer: the established call shown goes on hold and aside, out of the way of the
   * call that asks a colleague first (placed next, as the call shown). False when there is no
   * such call or one is on hold already.
   */
  holdToConsult(): boolean {
    const { calls, line } = this.ctx;
    const established = line.session?.state === SessionState.Established;
    if (this.#parked || calls.state.phase !== "connected" || !established) return false;
    const parked = this.#parked = this.#park();
    calls.update({
      ...FRESH_CALL,
      phase: "idle",
      callId: null,
      remote: null,
      parked: otherCall(parked.snapshot),
    });
    return true;
  }

  /** The session of the call on hold, or null. */
  parkedSession(): Session | null {
    return this.#parked?.line.session ?? null;
  }

  /** The call on hold is hung up from this side (BYE) and goes without a notice. */
  hangUpParked(end: Ending): void {
    const parked = this.#parked;
    if (!parked) return;
    parked.line.endedByUs = end;
    const s = parked.line.session;
    if (s?.state === SessionState.Established) void s.bye().catch(() => {});
    this.#drop("");
  }

  /** The call shown goes on hold and the one on hold comes back, resumed. */
  swap(): void {
    const { calls, line } = this.ctx;
    const back = this.#parked;
    if (!back || calls.state.phase !== "connected") return;
    const current = this.#park();
    Object.assign(line, back.line);
    const snapshot = { ...back.snapshot, held: false };
    const s = line.session;
    holdLine(line, false, snapshot.muted, () => {
      if (line.session === s) calls.update({ held: true });
    });
    this.#parked = current;
    calls.update({ ...snapshot, ...lineOf(calls.state), parked: otherCall(current.snapshot) });
  }

  /**
   * The call shown ended with `end` (its media released, `line` emptied): the call on hold is
   * shown again, the ending told as a notice, or a call waiting rings as a plain one. False when
   * neither exists (the end card shows).
   */
  afterEnd(end: Ending): boolean {
    const { calls, line } = this.ctx;
    const back = this.#parked;
    if (back) {
      const notice = calls.endingText(end);
      this.#parked = null;
      Object.assign(line, back.line);
      calls.tone(null);
      calls.update({ ...back.snapshot, ...lineOf(calls.state), parked: null, notice });
      return true;
    }
    const invitation = this.#waiting;
    if (!invitation) return false;
    this.#unring();
    Object.assign(line, { session: invitation, audio: null, endedByUs: null });
    this.ctx.ringing(invitation);
    return true;
  }

  /** A re-INVITE from the other side of the call on hold; true when it was about that call. */
  reinvited(s: Session, remoteHeld: boolean): boolean {
    const parked = this.#parked;
    if (parked?.line.session !== s) return false;
    parked.snapshot = { ...parked.snapshot, remoteHeld };
    return true;
  }

  /** The media path of the call on hold failed: it is over for both sides. */
  lost(s: Session): void {
    const parked = this.#parked;
    if (parked?.line.session !== s) return;
    parked.line.endedByUs = "failed";
    void s.bye().catch(() => {});
    this.#drop(`The call on hold with ${parked.snapshot.remote?.displayName} was lost`);
  }

  /** The engine stops (or lost its connection): the call on hold is hung up, the one waiting declined. */
  stop(): void {
    this.hangUpParked("hangup");
    this.decline(false);
  }

  #stopTone() {
    this.#tone?.stop();
    this.#tone = null;
  }

  /** Nothing waits any more. */
  #unring() {
    this.#stopTone();
    this.#waiting = null;
    this.ctx.calls.update({ waiting: null });
  }

  /** Holds the call shown and takes its line out of the engine's. */
  #park(): Parked {
    const { calls, line } = this.ctx;
    const parked: Parked = { snapshot: { ...calls.state, held: true }, line: { ...line } };
    // Already on hold: the other side knows, and nothing is sent or played.
    if (!calls.state.held) holdLine(parked.line, true, calls.state.muted, () => {});
    Object.assign(line, { session: null, audio: null, endedByUs: null });
    const s = parked.line.session;
    if (s && !this.#watched.has(s)) {
      this.#watched.add(s);
      s.stateChange.addListener((state) => {
        const aside = this.#parked;
        if (state !== SessionState.Terminated || aside?.line.session !== s) return;
        const name = aside.snapshot.remote?.displayName;
        this.#drop(aside.line.endedByUs ? "" : `${name} hung up while on hold`);
      });
    }
    return parked;
  }

  /** The call on hold is over: its media let go, the person told. */
  #drop(notice: string) {
    const parked = this.#parked;
    if (!parked) return;
    handlerOf(parked.line.session)?.close();
    parked.line.audio?.remove();
    this.#parked = null;
    this.ctx.calls.update({ parked: null, ...(notice ? { notice } : {}) });
  }
}

/**
 * The `sip` call engine: sip.js registered to Kamailio over WebSocket (`sip-registration.ts`),
 * placing and answering calls with media through RTPEngine. Same phases and end-reason texts as
 * the webrtc engine (`end-reasons.ts`), so the phone UI does not care which engine runs. Transfer
 * blind (`sip-transfer.ts`) and attended (`sip-attended.ts`), call waiting (`sip-waiting.ts`).
 * Loaded as its own chunk (sip.js is ~55 KB gzipped).
 */
import {
  Invitation,
  Inviter,
  type Referral,
  type Session,
  SessionState,
  UserAgent,
  type Web,
} from "sip.js";
import { type CallState, createCallState } from "./call-state.ts";
import { type CallEnd, endOfSipStatus, hangupKind } from "./end-reasons.ts";
import { microphoneConstraints, microphoneProblem, remoteAudioElement } from "./media.ts";
import { createSipRegistration, type SipRegistrationOptions } from "./sip-registration.ts";
import { followReferral, type TransferDial, transferShown } from "./sip-transfer.ts";
import { handlerOf, holdShown, SipCallWaiting } from "./sip-waiting.ts";
import { SipAttendedTransfer } from "./sip-attended.ts";
import { ring } from "./sip-ringing.ts";
import { type CallEngine, RECORDED_ELSEWHERE } from "./types.ts";

export type { SipRegistrationOptions as SipEngineOptions } from "./sip-registration.ts";

type SessionDescriptionHandler = Web.SessionDescriptionHandler;
type Ending = CallEnd | { text: string };

/** The user's microphone and its processing (Settings), asked for when each call starts. */
const mediaOptions = () => ({ constraints: { audio: microphoneConstraints(), video: false } });

/** Answers an incoming call with the user's microphone. */
const acceptCall = (invitation: Invitation) =>
  invitation.accept({ sessionDescriptionHandlerOptions: mediaOptions() });

/** `care4w-…` or an E.164 number → the SIP URI to call. */
function targetUri(target: string, domain: string) {
  const user = target.startsWith("+") ? target : target.toLowerCase();
  return UserAgent.makeURI(`sip:${user}@${domain}`);
}

/**
 * One call's session, its audio, and how this tab ended it (if it did). The engine's `line` is the
 * call shown; a call on hold keeps its own (sip-waiting.ts).
 */
export interface Line {
  session: Session | null;
  audio: HTMLAudioElement | null;
  endedByUs: Ending | null;
}

/** Creates the engine; `start()` connects and registers. */
export function createSipEngine(options: SipRegistrationOptions): CallEngine {
  const calls = createCallState();
  const line: Line = { session: null, audio: null, endedByUs: null };

  /**
   * Ends the call shown here: devices released, tone stopped, then the call on hold (or waiting)
   * shown with the ending as a notice, or else the ending shown, then idle.
   */
  const finish = (end: Ending) => {
    // A consultation ending while it completes an attended transfer: it took.
    if (attended.tookOver(line.session, line.endedByUs)) end = "transferred";
    // Closing the handler stops our microphone track and the remote tracks.
    handlerOf(line.session)?.close();
    line.session = null;
    line.audio?.remove();
    line.audio = null;
    if (!waiting.afterEnd(end)) calls.showEnded(end);
  };
  const endByUs = (end: Ending, statusCode?: number) => {
    line.endedByUs = end;
    endSession(line.session, statusCode);
    finish(end);
  };
  const follow = (s: Session, ending: () => CallEnd) =>
    followSession(s, {
      calls,
      line,
      finish: (end) => finish(line.endedByUs ?? end),
      referred: (referral) => followReferral(referral, s, { calls, line, domain: domain(), dial }),
      aside: waiting,
    }, ending);
  const domain = () => registration.domain();
  /** Places a call: one the user dials, one a transfer hands us to, or a consultation. */
  const dial = (target: string, transfer?: TransferDial, consulting = false, name?: string) =>
    dialOut(
      { calls, line, ua: registration.ua, domain: domain(), follow, finish },
      target,
      { transfer, consulting, name },
    );

  const ringing = (invitation: Invitation) =>
    ring(invitation, calls, follow, options.ringTimeoutSeconds * 1000);
  const shown = { calls, line, follow, accept: acceptCall, endByUs };
  const waiting = new SipCallWaiting({ ...shown, ringing });
  const dialConsultation = (target: string) => void dial(target, undefined, true);
  const attended = new SipAttendedTransfer({ ...shown, waiting, domain, dialConsultation });

  const registration = createSipRegistration(options, {
    invite(invitation) {
      // An attended transfer's INVITE takes the place of the call it names, or is refused.
      if (attended.takeOver(invitation)) return;
      // On a call: it waits beside it (sip-waiting.ts), or is answered busy.
      if (calls.inCall()) return waiting.offer(invitation);
      line.session = invitation;
      line.endedByUs = null;
      ringing(invitation);
    },
    registered: (ready, problem) => calls.update({ ready, problem, phonesReady: ready }),
    disconnected(error) {
      calls.update({ ready: false });
      if (!error || !calls.inCall()) return;
      // The connection is gone: no call on hold may come back in place of this one.
      waiting.stop();
      finish("failed");
    },
  });

  const engine: CallEngine = {
    mode: "sip",
    phoneLine: "sip",
    canHold: true,
    canTransfer: true,
    transfer: (target) => transferShown(line, calls, target, domain(), endByUs),
    consult: (target) => attended.consult(target),
    completeTransfer: () => attended.complete(),
    start: () => registration.start(),
    async call(target, displayName) {
      if (!calls.inCall()) await dial(target, undefined, false, displayName);
    },
    answer: () => answerRinging(line, calls, endByUs),
    // 603 Decline (not sip.js's default 480): the caller hears "declined", and the proxy stops
    // ringing this user's other devices, as a person's "no" means every phone.
    decline() {
      if (calls.state.phase === "incoming") endByUs("declined", 603);
    },
    cancel() {
      if (calls.state.phase === "calling" || calls.state.phase === "ringing") endByUs("cancelled");
    },
    hangup() {
      if (!calls.inCall()) return;
      const kind = hangupKind(calls.state.phase);
      if (kind === "decline") return engine.decline();
      if (kind === "cancel") return engine.cancel();
      endByUs("hangup");
    },
    setMuted(muted) {
      calls.update({ muted });
      handlerOf(line.session)?.enableSenderTracks(!muted && !calls.state.held);
    },
    setHeld: (held) => holdShown(line, calls, held),
    answerWaiting: () => waiting.answer(),
    declineWaiting: (toVoicemail) => waiting.decline(toVoicemail),
    swap: () => waiting.swap(),
    // SIP calls are recorded by the media side (FreeSWITCH), not in the browser.
    ...RECORDED_ELSEWHERE,
    sendDtmf: (tones) => sendTones(line.session, tones),
    subscribe: calls.subscribe,
    stop() {
      // First: hanging up the call shown would bring the one on hold back.
      waiting.stop();
      if (calls.inCall()) engine.hangup();
      calls.cancelIdle();
      registration.stop();
    },
  };
  return engine;
}

/** Answers the call ringing (shown as incoming) with the user's microphone. */
async function answerRinging(line: Line, calls: CallState, endByUs: (end: Ending) => void) {
  const s = line.session;
  if (calls.state.phase !== "incoming" || !(s instanceof Invitation)) return;
  calls.tone(null);
  calls.update({ phase: "connecting" });
  try {
    await acceptCall(s);
  } catch (error) {
    if (line.session === s) endByUs({ text: microphoneProblem(error) });
  }
}

/** What placing a call needs from the engine. */
interface Dialing {
  calls: CallState;
  line: Line;
  ua: UserAgent;
  domain: string;
  follow(s: Session, ending: () => CallEnd): void;
  finish(end: Ending): void;
}

/**
 * Places a call to `target`; `how.transfer` when a REFER asked for it (told each response),
 * `how.consulting` when it asks a colleague first about the call on hold, `how.name` the name
 * the user saw for `target` (the card shows it; SIP's answers name nobody).
 */
async function dialOut(
  d: Dialing,
  target: string,
  how: { transfer?: TransferDial; consulting: boolean; name?: string },
) {
  const { calls, line } = d;
  const { transfer } = how;
  const uri = targetUri(target, d.domain);
  if (!uri) return;
  const inviter = new Inviter(d.ua, uri, {
    sessionDescriptionHandlerOptions: mediaOptions(),
    extraHeaders: transfer
      ? [
        `Referred-By: ${transfer.referredBy}`,
        ...(transfer.replaces ? [`Replaces: ${transfer.replaces}`] : []),
      ]
      : undefined,
  });
  line.session = inviter;
  line.endedByUs = null;
  let final = 0;
  calls.begin({
    phase: "calling",
    callId: inviter.request.callId,
    direction: "outbound",
    remote: { care4wId: target, displayName: how.name || target },
    transferredBy: transfer?.by ?? null,
    consulting: how.consulting,
  });
  d.follow(inviter, () => final ? endOfSipStatus(final) : "hangup");
  type Response = { message: { statusCode?: number; reasonPhrase?: string } };
  const report = ({ message }: Response) =>
    transfer?.report(message.statusCode ?? 500, message.reasonPhrase ?? "");
  try {
    await inviter.invite({
      requestDelegate: {
        onTrying: report,
        onProgress: (response) => {
          report(response);
          if (response.message.statusCode === 180 || response.message.statusCode === 183) {
            if (calls.state.phase === "calling") calls.update({ phase: "ringing" });
            calls.tone("ringback");
          }
        },
        onAccept: report,
        onReject: (response) => {
          final = response.message.statusCode ?? 500;
          report(response);
        },
      },
    });
  } catch (error) {
    // The transferor hears of it before this call's end is shown (the old call may come back).
    transfer?.report(500, "Server Internal Error");
    if (line.session === inviter) d.finish({ text: microphoneProblem(error) });
  }
}

/** Sends whatever ends the session in its current state. */
function endSession(s: Session | null, statusCode?: number) {
  if (!s) return;
  const ignore = () => {};
  if (s.state === SessionState.Established) void s.bye().catch(ignore);
  else if (s instanceof Inviter) void s.cancel().catch(ignore);
  else if (s instanceof Invitation) void s.reject({ statusCode }).catch(ignore);
}

/** What following a session may touch. */
interface SessionContext {
  calls: CallState;
  line: Line;
  finish(end: CallEnd): void;
  /** A REFER arrived in this session (the other party hands us to someone else). */
  referred(referral: Referral): void;
  /** The call on hold, told of its own re-INVITEs and of its media failing (call waiting). */
  aside: Pick<SipCallWaiting, "reinvited" | "lost">;
}

/** Follows a session to its end; `ending` reads how it ended when the other side ended it. */
function followSession(s: Session, context: SessionContext, ending: () => CallEnd) {
  const { calls, line } = context;
  s.delegate = {
    ...s.delegate,
    onSessionDescriptionHandler: (sdh) => attachMedia(sdh as SessionDescriptionHandler, s, context),
    onRefer: (referral) => context.referred(referral),
    onInvite: (request) => {
      // A re-INVITE from the other side: sendonly/inactive means they put us on hold.
      const remoteHeld = /a=(sendonly|inactive)/.test(request.body ?? "");
      if (line.session === s) calls.update({ remoteHeld });
      else context.aside.reinvited(s, remoteHeld);
    },
  };
  s.stateChange.addListener((next) => {
    if (line.session !== s) return;
    if (next === SessionState.Established) {
      calls.tone(null);
      if (calls.state.phase !== "connected") calls.update({ phase: "connecting" });
    } else if (next === SessionState.Terminated) {
      // sip.js ends a refused call before it hands the final response to `onReject`, which is
      // where the status that says why is read: look once that has run. (The engine contract's
      // declined, missed and unavailable checks fail if a sip.js update changes this order.)
      setTimeout(() => {
        if (line.session === s) context.finish(ending());
      }, 0);
    }
  });
}

/** Plays the remote side and follows the media path for connected / reconnecting. */
function attachMedia(sdh: SessionDescriptionHandler, s: Session, context: SessionContext) {
  const { calls, line } = context;
  line.audio ??= remoteAudioElement();
  line.audio.srcObject = sdh.remoteMediaStream;
  void line.audio.play().catch(() => {});
  sdh.peerConnectionDelegate = {
    onconnectionstatechange: () => {
      const pc = sdh.peerConnection;
      if (!pc || s.sessionDescriptionHandler !== sdh) return;
      if (line.session !== s) {
        if (pc.connectionState === "failed") context.aside.lost(s);
        return;
      }
      if (pc.connectionState === "connected") {
        calls.update({ phase: "connected", connectedAt: calls.state.connectedAt ?? Date.now() });
      } else if (pc.connectionState === "disconnected" && calls.state.phase === "connected") {
        calls.update({ phase: "reconnecting" });
      } else if (pc.connectionState === "failed") {
        line.endedByUs = "failed";
        endSession(s);
        context.finish("failed");
      }
    },
    ontrack: () => void line.audio?.play().catch(() => {}),
  };
}

/** RFC 4733 events in the media when the browser can; SIP INFO otherwise. */
function sendTones(s: Session | null, tones: string) {
  if (!s || s.state !== SessionState.Established) return;
  if (handlerOf(s)?.sendDtmf(tones, { duration: 120, interToneGap: 70 })) return;
  for (const tone of tones) {
    void s.info({
      requestOptions: {
        body: {
          contentDisposition: "render",
          contentType: "application/dtmf-relay",
          content: `Signal=${tone}\r\nDuration=120`,
        },
      },
    }).catch(() => {});
  }
}

/** Browser-to-browser calls (webrtc mode): signaling through web, media peer to peer. */
import type { IceServer } from "../../../shared/calls.ts";
import type { ClientMessage, ServerMessage } from "../../../shared/signal.ts";
import { type CallState, createCallState } from "./call-state.ts";
import { type CallEnd, hangupKind } from "./end-reasons.ts";
import { type Media, openMicrophoneFor, releaseMedia, silence } from "./call-media.ts";
import { remoteAudioElement } from "./media.ts";
import { completeTransfer, createOutgoing, requestTransfer } from "./outgoing.ts";
import { Peer } from "./peer.ts";
import { createRecording, type Recording } from "./consent-recording.ts";
import { SignalingSocket } from "./signaling.ts";
import { type CallResume, createCallResume } from "./resume.ts";
import { trackActivity } from "../activity.ts";
import type { CallEngine, Party } from "./types.ts";
import { CallWaiting } from "./waiting.ts";

export type { Media } from "./call-media.ts";

export interface WebRtcOptions {
  iceServers: IceServer[];
  signalingUrl: string;
  /** The user's setting: record every call once it connects (the other party is told). */
  autoRecord?: boolean;
}

/** Creates the engine; `start()` connects the signaling socket. */
export function createWebRtcEngine(options: WebRtcOptions): CallEngine {
  const calls = createCallState();
  const media: Media = { stream: null, remote: null, peer: null, audio: null, recorder: null };
  const send = (message: ClientMessage) => socket.send(message);
  const callId = () => calls.state.callId!;
  const resume = createCallResume();

  /** Ends the call here (devices released, the ending shown), or shows the one on hold next. */
  const finish = (end: CallEnd | { text: string }, told = true) => {
    const { callId } = calls.state;
    if (callId) resume.ended(callId, told);
    releaseMedia(media, callId);
    if (!waiting.afterEnd(calls.endingText(end))) calls.showEnded(end);
  };
  const glare = createGlare(calls, media);
  const recording = createRecording(calls, media, send);
  const elsewhere = (id: string) => waiting.lost(id);
  const startPeer = (offerer: boolean) =>
    startPeerFor(offerer, { options, calls, media, send, finish, recording, elsewhere });
  const answer = () => void engine.answer();
  const microphone = (onRefused: () => void) => openMicrophoneFor(media, onRefused, finish);
  const outgoing = createOutgoing({ calls, media, send, finish, resume, microphone });
  const waiting = new CallWaiting({ calls, media, send, microphone, startPeer });
  const context = { calls, media, send, finish, startPeer, recording, resume, glare, answer };
  const onMessage = (message: ServerMessage) =>
    handleServerMessage(message, { ...context, transferred: outgoing.transferred, waiting });

  const current = () => calls.inCall() ? calls.state.callId : null;
  const socket = new SignalingSocket(
    () => options.signalingUrl + (resume.holding(current()) ? "&resume=1" : ""),
    {
      message: (message) => {
        // Registered (again): colleagues learn whether this page is in use (client/activity.ts).
        if (message.type === "presence") activity.connected();
        void onMessage(message).catch(() => finish("error"));
      },
      status: (connected) => calls.update({ ready: connected }),
      opened: () => resume.present(current(), send),
    },
  );
  const activity = trackActivity((message) => socket.send(message));
  // A reload or a closed tab ends its call for the other side at once, not after a timeout.
  const leave = () => engine.hangup();
  const applyTrackState = () => silence(media, calls.state);

  const engine: CallEngine = {
    mode: "webrtc",
    phoneLine: null,
    canHold: true,
    start() {
      addEventListener("pagehide", leave);
      socket.connect();
    },
    call: (target, displayName) =>
      outgoing.dial({ care4wId: target, displayName: displayName || target }),
    async answer() {
      if (calls.state.phase !== "incoming") return;
      calls.tone(null);
      calls.update({ phase: "connecting" });
      const noMicrophone = () =>
        send({ type: "reject", callId: callId(), reason: "no-microphone" });
      if (!(await microphone(noMicrophone))) return;
      startPeer(false);
      send({ type: "accept", callId: callId() });
    },
    decline() {
      if (calls.state.phase !== "incoming") return;
      send({ type: "reject", callId: callId() });
      finish("declined");
    },
    cancel() {
      if (calls.state.phase !== "calling" && calls.state.phase !== "ringing") return;
      send({ type: "cancel", callId: callId() });
      finish("cancelled");
    },
    hangup() {
      if (!calls.inCall()) return;
      const kind = hangupKind(calls.state.phase);
      if (kind === "decline") return engine.decline();
      if (kind === "cancel") return engine.cancel();
      finish("hangup", send({ type: "hangup", callId: callId() }));
    },
    setMuted(muted) {
      calls.update({ muted });
      applyTrackState();
    },
    setHeld(held) {
      if (!media.peer || held === calls.state.held) return;
      calls.update({ held });
      applyTrackState();
      send({ type: held ? "hold" : "unhold", callId: callId() });
    },
    canRecord: true,
    setRecording: (on) => recording.set(on),
    refuseRecording: () => recording.refuse(),
    canTransfer: true,
    transfer: (target) => requestTransfer(calls, send, target),
    consult: (target) => outgoing.consult(target, () => waiting.holdToConsult()),
    completeTransfer: () => completeTransfer(calls, send),
    answerWaiting: () => waiting.answer(),
    declineWaiting: (toVoicemail) => waiting.decline(toVoicemail),
    swap: () => waiting.swap(),
    sendDtmf(tones) {
      const dtmf = media.peer?.sender()?.dtmf;
      if (dtmf?.canInsertDTMF) dtmf.insertDTMF(tones, 120, 70);
    },
    subscribe: calls.subscribe,
    stop() {
      removeEventListener("pagehide", leave);
      activity.stop();
      waiting.stop();
      if (calls.inCall()) engine.hangup();
      socket.close();
    },
  };
  return engine;
}

/**
 * Glare: our invite crossed the other party's. Ours goes quietly (no "ended" card, no record);
 * theirs, rung next, is answered at once: both people wanted this call.
 */
type Glare = ReturnType<typeof createGlare>;

function createGlare(calls: CallState, media: Media) {
  let crossed: { care4wId: string; until: number } | null = null;
  return {
    uncross() {
      crossed = { care4wId: calls.state.remote!.care4wId, until: Date.now() + 5_000 };
      releaseMedia(media, calls.state.callId);
      calls.begin({ phase: "idle" });
    },
    /** Whether the call ringing from `from` is the one ours crossed (asked once). */
    crossedBy(from: string): boolean {
      if (crossed?.care4wId !== from || Date.now() > crossed.until) return false;
      crossed = null;
      return true;
    },
  };
}

/** What a call's peer connection reports into. */
interface PeerContext {
  options: WebRtcOptions;
  calls: CallState;
  media: Media;
  send(message: ClientMessage): boolean;
  finish(end: CallEnd, told?: boolean): void;
  recording: Recording;
  /** The media path of a call no longer shown (on hold) failed. */
  elsewhere(callId: string): void;
}

/**
 * Starts the call's peer connection; its media states drive the call's phase while it is the
 * call shown (after a call waiting was answered, it may be on hold: waiting.ts).
 */
function startPeerFor(offerer: boolean, ctx: PeerContext): Peer {
  const { options, calls, media, send, finish, recording } = ctx;
  const id = calls.state.callId!;
  const callId = () => id;
  const shown = () => calls.state.callId === id;
  media.audio = remoteAudioElement();
  media.peer = new Peer(options.iceServers, media.stream!, offerer, {
    description: (kind, sdp) => send({ type: kind, callId: callId(), sdp }),
    candidate: (candidate) => send({ type: "candidate", callId: callId(), candidate }),
    remoteStream: (remote) => {
      media.remote = remote;
      media.audio!.srcObject = remote;
      void media.audio!.play().catch(() => {});
    },
    media: (state) => {
      if (!shown()) return state === "failed" ? ctx.elsewhere(id) : undefined;
      if (state === "connected") {
        const first = calls.state.connectedAt === null;
        calls.update({ phase: "connected", connectedAt: calls.state.connectedAt ?? Date.now() });
        if (first && options.autoRecord) recording.set(true);
      } else if (state === "interrupted") calls.update({ phase: "reconnecting" });
      else finish("failed", send({ type: "hangup", callId: callId(), reason: "failed" }));
    },
    quality: (quality) => shown() && calls.update({ quality }),
  });
  return media.peer;
}

/** What handling a server frame may touch. */
interface MessageContext {
  calls: CallState;
  media: Media;
  send(message: ClientMessage): boolean;
  finish(end: CallEnd | { text: string }): void;
  startPeer(offerer: boolean): Peer;
  recording: Recording;
  resume: CallResume;
  glare: Glare;
  /** Answers the call ringing now (the one a crossed invite gave way to). */
  answer(): void;
  /** The other party handed us to `to`: we call them. */
  transferred(to: Party, by: Party, grant?: string): void;
  /** The calls beside the one shown (waiting, on hold). */
  waiting: CallWaiting;
}

/**
 * Whether an invite replaces the call shown (an attended transfer): its transferor is the party
 * we are talking to, and it names this very call.
 */
function replacesOurs(invite: Extract<ServerMessage, { type: "invite" }>, calls: CallState) {
  const { callId, remote, phase } = calls.state;
  return invite.replaces !== undefined && invite.replaces === callId && phase === "connected" &&
    invite.transferredBy?.care4wId === remote?.care4wId;
}

/** Applies one frame from the server to this tab's call. */
async function handleServerMessage(message: ServerMessage, context: MessageContext) {
  const { calls, media, send, finish } = context;
  if (message.type === "presence") return;
  if (message.type === "error") {
    // The server refused our invite (unknown user, rate limit...): its words are the reason.
    if (!message.callId || message.callId !== calls.state.callId) return;
    if (calls.state.phase === "calling") {
      if (message.code === "crossed") context.glare.uncross();
      else finish({ text: message.message });
    } else if (calls.state.notice?.startsWith("Transferring")) {
      // A transfer refused (nobody by that ID, not available): the call goes on.
      calls.update({ notice: `Not transferred: ${message.message}` });
    }
    return;
  }
  if (message.type === "invite") {
    // An attended transfer to us: the new call takes the place of ours with the transferor.
    const replacing = replacesOurs(message, calls);
    if (replacing) {
      send({ type: "hangup", callId: message.replaces!, reason: "transferred" });
      releaseMedia(media, message.replaces!);
      calls.begin({ phase: "idle" });
    } // On a call: it rings softly beside it (call waiting), or is answered busy.
    else if (calls.inCall()) return context.waiting.ring(message.callId, message.from);
    calls.begin({
      phase: "incoming",
      callId: message.callId,
      direction: "inbound",
      remote: message.from,
      transferredBy: message.transferredBy ?? null,
      // Rung again (glare's second invite): it is the call shown now, not one waiting.
      waiting: calls.state.waiting?.callId === message.callId ? null : calls.state.waiting,
    });
    send({ type: "ringing", callId: message.callId });
    calls.tone("ring");
    // Their invite crossed ours, or replaces our call with its transferor: answered at once.
    if (replacing || context.glare.crossedBy(message.from.care4wId)) context.answer();
    return;
  }
  if (await context.waiting.handle(message)) return;
  if (message.callId !== calls.state.callId || calls.state.phase === "ended") return;
  switch (message.type) {
    case "ticket":
      context.resume.keep(message.callId, message.ticket);
      break;
    case "resumed":
      context.resume.present(message.callId, send);
      break;
    case "ringing":
      if (calls.state.phase === "calling") {
        calls.update({ phase: "ringing", remote: message.from });
        calls.tone("ringback");
      }
      break;
    case "accept":
      calls.tone(null);
      calls.update({ phase: "connecting", remote: message.from });
      await context.startPeer(true).offer();
      break;
    case "offer":
    case "answer":
      await media.peer?.receive(message.type, message.sdp);
      break;
    case "candidate":
      await media.peer?.candidate(message.candidate);
      break;
    case "hold":
    case "unhold":
      calls.update({ remoteHeld: message.type === "hold" });
      break;
    case "record":
      calls.update({ peerRecording: message.recording });
      break;
    case "record-refused":
      await context.recording.refused(message.from.displayName);
      break;
    case "transfer":
      context.transferred(message.to, message.from, message.grant);
      break;
    default:
      finish(message.reason);
  }
}

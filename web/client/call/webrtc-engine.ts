/** Browser-to-browser calls (webrtc mode): signaling through web, media peer to peer. */
import type { IceServer } from "../../../shared/calls.ts";
import type { ClientMessage, ServerMessage } from "../../../shared/signal.ts";
import { type CallState, createCallState } from "./call-state.ts";
import { type CallEnd, hangupKind } from "./end-reasons.ts";
import { reportCallQuality } from "./quality-report.ts";
import { microphoneProblem, openMicrophone, release, remoteAudioElement } from "./media.ts";
import { Peer } from "./peer.ts";
import type { CallRecorder } from "./recorder.ts";
import { createRecording, type Recording } from "./consent-recording.ts";
import { SignalingSocket } from "./signaling.ts";
import { type CallResume, createCallResume } from "./resume.ts";
import { trackActivity } from "../activity.ts";
import type { CallEngine, Party } from "./types.ts";

export interface WebRtcOptions {
  iceServers: IceServer[];
  signalingUrl: string;
  /** The user's setting: record every call once it connects (the other party is told). */
  autoRecord?: boolean;
}

/** The media of the current call: microphone, peer connection, what plays, what records. */
export interface Media {
  stream: MediaStream | null;
  remote: MediaStream | null;
  peer: Peer | null;
  audio: HTMLAudioElement | null;
  recorder: CallRecorder | null;
}

/** Creates the engine; `start()` connects the signaling socket. */
export function createWebRtcEngine(options: WebRtcOptions): CallEngine {
  const calls = createCallState();
  const media: Media = { stream: null, remote: null, peer: null, audio: null, recorder: null };
  const send = (message: ClientMessage) => socket.send(message);
  const callId = () => calls.state.callId!;
  const resume = createCallResume();

  /** Ends the call here: the recording sent, devices released, the ending shown, then idle. */
  const finish = (end: CallEnd | { text: string }, told = true) => {
    if (calls.state.callId) resume.ended(calls.state.callId, told);
    releaseMedia(media, calls.state.callId);
    calls.showEnded(end);
  };
  const glare = createGlare(calls, media);
  const recording = createRecording(calls, media, send);
  const startPeer = (offerer: boolean) =>
    startPeerFor(offerer, { options, calls, media, send, finish, recording });
  const answer = () => void engine.answer();
  const microphone = (onRefused: () => void) => openMicrophoneFor(media, onRefused, finish);
  const { dial, transferred } = createOutgoing({ calls, media, send, finish, resume, microphone });
  const context = { calls, media, send, finish, startPeer, recording, resume, glare, answer };
  const onMessage = (message: ServerMessage) =>
    handleServerMessage(message, { ...context, transferred });

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
    call: (target) => dial({ care4wId: target, displayName: target }),
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
    transfer(target) {
      if (calls.state.phase !== "connected" && calls.state.phase !== "reconnecting") return;
      calls.update({ notice: `Transferring to ${target}…` });
      if (!send({ type: "transfer", callId: callId(), to: target })) {
        calls.update({ notice: "Not transferred: CareFlow is not connected" });
      }
    },
    sendDtmf(tones) {
      const dtmf = media.peer?.sender()?.dtmf;
      if (dtmf?.canInsertDTMF) dtmf.insertDTMF(tones, 120, 70);
    },
    subscribe: calls.subscribe,
    stop() {
      removeEventListener("pagehide", leave);
      activity.stop();
      if (calls.inCall()) engine.hangup();
      socket.close();
    },
  };
  return engine;
}

/** What placing a call needs from the engine. */
interface OutgoingContext {
  calls: CallState;
  media: Media;
  send(message: ClientMessage): boolean;
  finish(end: CallEnd | { text: string }): void;
  resume: CallResume;
  microphone(onRefused: () => void): Promise<boolean>;
}

/** Placing calls: one the user dials, and the one a transfer hands us to. */
function createOutgoing(ctx: OutgoingContext) {
  const { calls, media, send, finish, resume, microphone } = ctx;
  /** Places a call; `transfer`: the grant and who handed us over, when a transfer made it. */
  const dial = async (to: Party, transfer?: { grant?: string; by: Party }) => {
    if (calls.inCall()) return;
    const id = crypto.randomUUID();
    calls.begin({
      phase: "calling",
      callId: id,
      direction: "outbound",
      remote: to,
      transferredBy: transfer?.by ?? null,
    });
    if (!(await microphone(() => {}))) return;
    if (calls.state.callId !== id) return release(media.stream);
    const invite: ClientMessage = transfer?.grant
      ? { type: "invite", callId: id, to: to.care4wId, transfer: transfer.grant }
      : { type: "invite", callId: id, to: to.care4wId };
    if (!send(invite)) finish("offline");
  };
  /** We were handed to `to`: this call ends here without a card, and we call them at once. */
  const transferred = (to: Party, by: Party, grant?: string) => {
    resume.ended(calls.state.callId!, true);
    releaseMedia(media, calls.state.callId);
    calls.begin({ phase: "idle" });
    void dial(to, { grant, by });
  };
  return { dial, transferred };
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
}

/** Starts the call's peer connection; its media states drive the call's phase. */
function startPeerFor(offerer: boolean, ctx: PeerContext): Peer {
  const { options, calls, media, send, finish, recording } = ctx;
  const callId = () => calls.state.callId!;
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
      if (state === "connected") {
        const first = calls.state.connectedAt === null;
        calls.update({ phase: "connected", connectedAt: calls.state.connectedAt ?? Date.now() });
        if (first && options.autoRecord) recording.set(true);
      } else if (state === "interrupted") calls.update({ phase: "reconnecting" });
      else finish("failed", send({ type: "hangup", callId: callId(), reason: "failed" }));
    },
    quality: (quality) => calls.update({ quality }),
  });
  return media.peer;
}

/** Opens the microphone; on failure the call ends with the device's problem. */
async function openMicrophoneFor(
  media: Media,
  onRefused: () => void,
  finish: (end: { text: string }) => void,
): Promise<boolean> {
  try {
    media.stream = await openMicrophone();
    return true;
  } catch (error) {
    onRefused();
    finish({ text: microphoneProblem(error) });
    return false;
  }
}

/** Our microphone is off while muted or held; the other side is not heard while held. */
function silence(media: Media, state: { muted: boolean; held: boolean }) {
  const track = media.peer?.sender()?.track;
  if (track) track.enabled = !state.muted && !state.held;
  if (media.audio) media.audio.muted = state.held;
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
    if (calls.inCall()) return; // the server answers busy for us; this tab keeps its call
    calls.begin({
      phase: "incoming",
      callId: message.callId,
      direction: "inbound",
      remote: message.from,
      transferredBy: message.transferredBy ?? null,
    });
    send({ type: "ringing", callId: message.callId });
    calls.tone("ring");
    // Their invite crossed ours: both wanted this call, so it is answered at once.
    if (context.glare.crossedBy(message.from.care4wId)) context.answer();
    return;
  }
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

/**
 * Lets a call's media go: the recording's last parts sent (`savingParts` shows it), the measured
 * quality reported, the microphone and the audio element released.
 */
function releaseMedia(media: Media, callId: string | null): void {
  void media.recorder?.stop();
  void media.peer?.close().then((quality) => {
    if (quality && callId) void reportCallQuality(callId, quality);
  });
  release(media.stream);
  media.audio?.remove();
  Object.assign(media, { stream: null, remote: null, peer: null, audio: null, recorder: null });
}

/** Browser-to-browser calls (webrtc mode): signaling through web, media peer to peer. */
import type { IceServer } from "../../../shared/calls.ts";
import type { ClientMessage, ServerMessage } from "../../../shared/signal.ts";
import { type CallState, createCallState } from "./call-state.ts";
import { type CallEnd, hangupKind } from "./end-reasons.ts";
import { microphoneProblem, openMicrophone, release, remoteAudioElement } from "./media.ts";
import { Peer } from "./peer.ts";
import { SignalingSocket } from "./signaling.ts";
import type { CallEngine } from "./types.ts";

export interface WebRtcOptions {
  iceServers: IceServer[];
  signalingUrl: string;
}

/** The media of the current call: microphone, peer connection, and the element playing it. */
interface Media {
  stream: MediaStream | null;
  peer: Peer | null;
  audio: HTMLAudioElement | null;
}

/** Creates the engine; `start()` connects the signaling socket. */
export function createWebRtcEngine(options: WebRtcOptions): CallEngine {
  const calls = createCallState();
  const media: Media = { stream: null, peer: null, audio: null };
  const send = (message: ClientMessage) => socket.send(message);
  const callId = () => calls.state.callId!;

  /** Ends the call here: devices released, peer closed, the ending shown, then idle. */
  const finish = (end: CallEnd | { text: string }) => {
    media.peer?.close();
    release(media.stream);
    media.audio?.remove();
    Object.assign(media, { stream: null, peer: null, audio: null });
    calls.showEnded(end);
  };
  const startPeer = (offerer: boolean) => {
    media.audio = remoteAudioElement();
    media.peer = new Peer(options.iceServers, media.stream!, offerer, {
      description: (kind, sdp) => send({ type: kind, callId: callId(), sdp }),
      candidate: (candidate) => send({ type: "candidate", callId: callId(), candidate }),
      remoteStream: (remote) => {
        media.audio!.srcObject = remote;
        void media.audio!.play().catch(() => {});
      },
      media: (state) => {
        if (state === "connected") {
          calls.update({ phase: "connected", connectedAt: calls.state.connectedAt ?? Date.now() });
        } else if (state === "interrupted") calls.update({ phase: "reconnecting" });
        else {
          send({ type: "hangup", callId: callId() });
          finish("failed");
        }
      },
      quality: (quality) => calls.update({ quality }),
    });
    return media.peer;
  };
  const onMessage = (message: ServerMessage) =>
    handleServerMessage(message, { calls, media, send, finish, startPeer });

  const socket = new SignalingSocket(options.signalingUrl, {
    message: (message) => void onMessage(message).catch(() => finish("error")),
    status: (connected) => calls.update({ ready: connected }),
  });
  const applyTrackState = () => silence(media, calls.state);
  /** Opens the microphone; on failure the call ends with the device's problem. */
  const microphone = async (onRefused: () => void) => {
    try {
      media.stream = await openMicrophone();
      return true;
    } catch (error) {
      onRefused();
      finish({ text: microphoneProblem(error) });
      return false;
    }
  };

  const engine: CallEngine = {
    mode: "webrtc",
    start: () => socket.connect(),
    async call(target) {
      if (calls.inCall()) return;
      const id = crypto.randomUUID();
      calls.begin({
        phase: "calling",
        callId: id,
        direction: "outbound",
        remote: { care4wId: target, displayName: target },
      });
      if (!(await microphone(() => {}))) return;
      if (calls.state.callId !== id) return release(media.stream);
      if (!send({ type: "invite", callId: id, to: target })) finish("offline");
    },
    async answer() {
      if (calls.state.phase !== "incoming") return;
      calls.tone(null);
      calls.update({ phase: "connecting" });
      if (!(await microphone(() => send({ type: "reject", callId: callId() })))) return;
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
      send({ type: "hangup", callId: callId() });
      finish("hangup");
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
    sendDtmf(tones) {
      const dtmf = media.peer?.sender()?.dtmf;
      if (dtmf?.canInsertDTMF) dtmf.insertDTMF(tones, 120, 70);
    },
    subscribe: calls.subscribe,
    stop() {
      if (calls.inCall()) engine.hangup();
      socket.close();
    },
  };
  return engine;
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
}

/** Applies one frame from the server to this tab's call. */
async function handleServerMessage(message: ServerMessage, context: MessageContext) {
  const { calls, media, send, finish } = context;
  if (message.type === "presence") return;
  if (message.type === "error") {
    // The server refused our invite (unknown user, rate limit...): its words are the reason.
    if (
      message.callId && message.callId === calls.state.callId && calls.state.phase === "calling"
    ) {
      finish({ text: message.message });
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
    });
    send({ type: "ringing", callId: message.callId });
    calls.tone("ring");
    return;
  }
  if (message.callId !== calls.state.callId || calls.state.phase === "ended") return;
  switch (message.type) {
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
    default:
      finish(message.reason);
  }
}

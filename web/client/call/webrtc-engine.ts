import type { EndReason, ServerMessage } from "../../../shared/signal.ts";
import { microphoneProblem, openMicrophone, release, remoteAudioElement } from "./media.ts";
import { Peer } from "./peer.ts";
import { playTone, type Tone } from "./ringtone.ts";
import { SignalingSocket } from "./signaling.ts";
import { type CallEngine, IDLE } from "./types.ts";
import { createCallState } from "./call-state.ts";

const REASONS: Record<EndReason, [outbound: string, inbound: string]> = {
  unavailable: ["Not available right now", "Not available right now"],
  busy: ["Busy on another call", "Busy on another call"],
  missed: ["No answer", "Missed call"],
  "answered-elsewhere": ["Answered on another device", "Answered on another device"],
  declined: ["Declined", "You declined"],
  cancelled: ["Cancelled", "The caller hung up"],
  hangup: ["Call ended", "Call ended"],
  failed: ["Call failed: the connection was lost", "Call failed: the connection was lost"],
};

export interface WebRtcOptions {
  iceServers: RTCIceServer[];
  signalingUrl: string;
}

/** Browser-to-browser calls: signaling through web, media peer to peer. */
export function createWebRtcEngine(options: WebRtcOptions): CallEngine {
  const calls = createCallState();
  const update = calls.update;
  let stream: MediaStream | null = null;
  let peer: Peer | null = null;
  let audio: HTMLAudioElement | null = null;
  let tone: Tone | null = null;

  const inCall = () => calls.state.callId !== null && calls.state.phase !== "ended";
  const send = (message: Parameters<SignalingSocket["send"]>[0]) => socket.send(message);
  const ring = (kind: "ring" | "ringback" | null) => {
    tone?.stop();
    tone = kind ? playTone(kind) : null;
  };

  /** Ends the call locally: devices released, peer closed, reason shown, then idle. */
  const finish = (reason: string) => {
    ring(null);
    peer?.close();
    peer = null;
    release(stream);
    stream = null;
    audio?.remove();
    audio = null;
    calls.showEnded(reason);
  };
  const reasonText = (reason: EndReason) =>
    REASONS[reason][calls.state.direction === "inbound" ? 1 : 0];

  const startPeer = (offerer: boolean) => {
    audio = remoteAudioElement();
    peer = new Peer(options.iceServers, stream!, offerer, {
      description: (kind, sdp) => send({ type: kind, callId: calls.state.callId!, sdp }),
      candidate: (candidate) => send({ type: "candidate", callId: calls.state.callId!, candidate }),
      remoteStream: (remote) => {
        audio!.srcObject = remote;
        void audio!.play().catch(() => {});
      },
      media: (media) => {
        if (media === "connected") {
          update({ phase: "connected", connectedAt: calls.state.connectedAt ?? Date.now() });
        } else if (media === "interrupted") update({ phase: "reconnecting" });
        else {
          send({ type: "hangup", callId: calls.state.callId! });
          finish(REASONS.failed[0]);
        }
      },
      quality: (quality) => update({ quality }),
    });
    return peer;
  };

  const onMessage = async (message: ServerMessage) => {
    if (message.type === "presence" || message.type === "error") {
      if (message.type === "error" && message.callId && message.callId === calls.state.callId) {
        if (calls.state.phase === "calling") finish(message.message);
      }
      return;
    }
    if (message.type === "invite") {
      if (inCall()) return; // the server answers busy for us; this tab keeps its call
      calls.cancelIdle();
      update({
        ...IDLE,
        ready: calls.state.ready,
        phase: "incoming",
        callId: message.callId,
        direction: "inbound",
        remote: message.from,
      });
      send({ type: "ringing", callId: message.callId });
      ring("ring");
      return;
    }
    if (message.callId !== calls.state.callId || calls.state.phase === "ended") return;
    switch (message.type) {
      case "ringing":
        if (calls.state.phase === "calling") {
          update({ phase: "ringing", remote: message.from });
          ring("ringback");
        }
        break;
      case "accept":
        ring(null);
        update({ phase: "connecting", remote: message.from });
        await startPeer(true).offer();
        break;
      case "offer":
      case "answer":
        await peer?.receive(message.type, message.sdp);
        break;
      case "candidate":
        await peer?.candidate(message.candidate);
        break;
      case "hold":
      case "unhold":
        update({ remoteHeld: message.type === "hold" });
        break;
      default:
        finish(reasonText(message.reason));
    }
  };

  const socket = new SignalingSocket(options.signalingUrl, {
    message: (message) => void onMessage(message).catch(() => finish("Call failed")),
    status: (connected) => update({ ready: connected }),
  });

  const applyTrackState = () => {
    const track = peer?.sender()?.track;
    if (track) track.enabled = !calls.state.muted && !calls.state.held;
    if (audio) audio.muted = calls.state.held;
  };

  return {
    mode: "webrtc",
    start: () => socket.connect(),
    async call(target) {
      if (inCall()) return;
      calls.cancelIdle();
      const callId = crypto.randomUUID();
      update({
        ...IDLE,
        ready: calls.state.ready,
        phase: "calling",
        callId,
        direction: "outbound",
        remote: { care4wId: target, displayName: target },
      });
      try {
        stream = await openMicrophone();
      } catch (error) {
        finish(microphoneProblem(error));
        return;
      }
      if (calls.state.callId !== callId) return release(stream);
      if (!send({ type: "invite", callId, to: target })) finish("CareFlow is not connected");
    },
    async answer() {
      if (calls.state.phase !== "incoming") return;
      ring(null);
      update({ phase: "connecting" });
      try {
        stream = await openMicrophone();
      } catch (error) {
        send({ type: "reject", callId: calls.state.callId! });
        finish(microphoneProblem(error));
        return;
      }
      startPeer(false);
      send({ type: "accept", callId: calls.state.callId! });
    },
    decline() {
      if (calls.state.phase !== "incoming") return;
      send({ type: "reject", callId: calls.state.callId! });
      finish("You declined");
    },
    cancel() {
      if (calls.state.phase !== "calling" && calls.state.phase !== "ringing") return;
      send({ type: "cancel", callId: calls.state.callId! });
      finish("Cancelled");
    },
    hangup() {
      if (!inCall()) return;
      if (calls.state.phase === "incoming") return this.decline();
      if (calls.state.phase === "calling" || calls.state.phase === "ringing") return this.cancel();
      send({ type: "hangup", callId: calls.state.callId! });
      finish("Call ended");
    },
    setMuted(muted) {
      update({ muted });
      applyTrackState();
    },
    setHeld(held) {
      if (!peer || held === calls.state.held) return;
      update({ held });
      applyTrackState();
      send({ type: held ? "hold" : "unhold", callId: calls.state.callId! });
    },
    sendDtmf(tones) {
      const dtmf = peer?.sender()?.dtmf;
      if (dtmf?.canInsertDTMF) dtmf.insertDTMF(tones, 120, 70);
    },
    subscribe: calls.subscribe,
    stop() {
      if (inCall()) this.hangup();
      socket.close();
    },
  };
}

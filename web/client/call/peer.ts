import type { IceServer } from "../../../shared/calls.ts";
import type { IceCandidate } from "../../../shared/signal.ts";
import type { CallQuality } from "../../../shared/calls.ts";
import { createQualityAverage, gradeQuality, sampleMos, sampleStats } from "./quality.ts";
import type { Quality } from "./types.ts";

export interface PeerEvents {
  /** A local description to send to the other side. */
  description(kind: "offer" | "answer", sdp: string): void;
  candidate(candidate: IceCandidate): void;
  /** Media path state: up, broken (trying to recover), or given up. */
  media(state: "connected" | "interrupted" | "failed"): void;
  quality(quality: Quality | null): void;
  remoteStream(stream: MediaStream): void;
}

/**
 * How long a broken media path may take to come back (an ICE restart included) before the call
 * is given up: long enough for a Wi-Fi to mobile hand-over, short enough that both sides learn
 * the outcome while they still listen.
 */
const RECOVERY_LIMIT_MS = 12_000;
const STATS_INTERVAL_MS = 2_000;

/**
 * One peer connection for one call. The caller is always the offerer, including for ICE
 * restarts, so both sides never offer at once (no glare to resolve).
 */
export class Peer {
  readonly #pc: RTCPeerConnection;
  readonly #pending: RTCIceCandidateInit[] = [];
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #recoveryTimer: ReturnType<typeof setTimeout> | undefined;
  #counters: { received: number; lost: number } | null = null;
  #measured = createQualityAverage();

  constructor(
    iceServers: IceServer[],
    stream: MediaStream,
    private readonly offerer: boolean,
    private readonly events: PeerEvents,
  ) {
    const pc = new RTCPeerConnection({ iceServers });
    this.#pc = pc;
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    pc.onicecandidate = (event) => {
      if (event.candidate?.candidate) events.candidate(event.candidate.toJSON() as IceCandidate);
    };
    pc.ontrack = (event) => events.remoteStream(event.streams[0] ?? new MediaStream([event.track]));
    pc.onconnectionstatechange = () => this.#onState();
  }

  /** The offerer starts negotiation (or restarts ICE). */
  async offer(iceRestart = false): Promise<void> {
    const offer = await this.#pc.createOffer({ iceRestart });
    await this.#pc.setLocalDescription(offer);
    this.events.description("offer", this.#pc.localDescription!.sdp);
  }

  /** Applies the other side's description; answers an offer. */
  async receive(kind: "offer" | "answer", sdp: string): Promise<void> {
    if (kind === "answer" && this.#pc.signalingState !== "have-local-offer") return;
    await this.#pc.setRemoteDescription({ type: kind, sdp });
    for (const candidate of this.#pending.splice(0)) await this.#addCandidate(candidate);
    if (kind === "offer") {
      await this.#pc.setLocalDescription(await this.#pc.createAnswer());
      this.events.description("answer", this.#pc.localDescription!.sdp);
    }
  }

  /** Trickled candidates may arrive before the description they belong to: queue them. */
  async candidate(candidate: IceCandidate): Promise<void> {
    if (!this.#pc.remoteDescription) this.#pending.push(candidate);
    else await this.#addCandidate(candidate);
  }

  /** The audio sender, for mute, hold and DTMF. */
  sender(): RTCRtpSender | undefined {
    return this.#pc.getSenders().find((sender) => sender.track?.kind === "audio");
  }

  /**
   * Ends the connection and resolves with the call's measured quality. A last sample is taken
   * first, so a call shorter than the sampling interval still has one.
   */
  async close(): Promise<CallQuality | null> {
    clearInterval(this.#statsTimer);
    clearTimeout(this.#recoveryTimer);
    this.#pc.onconnectionstatechange = null;
    if (this.#statsTimer !== undefined) await this.#sample(false).catch(() => {});
    this.#pc.close();
    return this.#measured.value();
  }

  async #addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.#pc.addIceCandidate(candidate);
    } catch {
      // A candidate for a stale ICE generation after a restart is harmless to drop.
    }
  }

  #onState(): void {
    const state = this.#pc.connectionState;
    if (state === "connected") {
      clearTimeout(this.#recoveryTimer);
      this.#recoveryTimer = undefined;
      this.events.media("connected");
      this.#statsTimer ??= setInterval(() => void this.#sample(), STATS_INTERVAL_MS);
    } else if (state === "disconnected" || state === "failed") {
      this.events.media("interrupted");
      if (this.offerer && state === "failed") void this.offer(true).catch(() => {});
      this.#recoveryTimer ??= setTimeout(() => this.events.media("failed"), RECOVERY_LIMIT_MS);
    }
  }

  /** Samples getStats; `live`: also tell the call screen (not once the call is over). */
  async #sample(live = true): Promise<void> {
    const { sample, counters } = sampleStats(await this.#pc.getStats(), this.#counters);
    this.#counters = counters;
    this.#measured.add(sampleMos(sample));
    if (live) this.events.quality(gradeQuality(sample));
  }
}

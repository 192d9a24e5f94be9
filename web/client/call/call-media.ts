/**
 * The media of one browser call (webrtc mode): its microphone, peer connection, what plays and
 * what records, and the few things done to it (opened, silenced while held, let go). Shared by
 * the engine and call waiting, which moves a call's media aside while it is on hold.
 */
import { reportCallQuality } from "./quality-report.ts";
import { microphoneProblem, openMicrophone, release } from "./media.ts";
import type { Peer } from "./peer.ts";
import type { CallRecorder } from "./recorder.ts";

/** The media of the current call: microphone, peer connection, what plays, what records. */
export interface Media {
  stream: MediaStream | null;
  remote: MediaStream | null;
  peer: Peer | null;
  audio: HTMLAudioElement | null;
  recorder: CallRecorder | null;
}

/** Opens the microphone; on failure the call ends with the device's problem. */
export async function openMicrophoneFor(
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
export function silence(media: Media, state: { muted: boolean; held: boolean }) {
  const track = media.peer?.sender()?.track;
  if (track) track.enabled = !state.muted && !state.held;
  if (media.audio) media.audio.muted = state.held;
}

/**
 * Lets a call's media go: the recording's last parts sent (`savingParts` shows it), the measured
 * quality reported, the microphone and the audio element released.
 */
export function releaseMedia(media: Media, callId: string | null): void {
  void media.recorder?.stop();
  void media.peer?.close().then((quality) => {
    if (quality && callId) void reportCallQuality(callId, quality);
  });
  release(media.stream);
  media.audio?.remove();
  Object.assign(media, { stream: null, remote: null, peer: null, audio: null, recorder: null });
}

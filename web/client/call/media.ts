/**
 * Microphone capture and remote playback, with the cleanup that releases the device. Both follow
 * the user's `audio` settings: the chosen microphone and its voice processing, and the chosen
 * speaker where the browser can route audio (`setSinkId`).
 */
import { loadSettings, settingsNow } from "../settings.ts";

/** The microphone constraints the user's audio settings ask for. */
export function microphoneConstraints(): MediaTrackConstraints {
  const audio = settingsNow().audio;
  return {
    // `ideal`, not `exact`: a headset unplugged since must not leave the person without a call.
    ...(audio.inputDeviceId ? { deviceId: { ideal: audio.inputDeviceId } } : {}),
    echoCancellation: audio.echoCancellation,
    noiseSuppression: audio.noiseSuppression,
    autoGainControl: audio.autoGainControl,
  };
}

/** Asks for the microphone with the device and voice processing the user chose. */
export async function openMicrophone(): Promise<MediaStream> {
  await loadSettings();
  return await navigator.mediaDevices.getUserMedia({
    audio: microphoneConstraints(),
    video: false,
  });
}

/** Stops every track, which turns off the browser's "microphone in use" indicator. */
export function release(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/**
 * Plays `audio` on the user's chosen speaker where the browser supports choosing (Chromium);
 * elsewhere, or when that device is gone, the system's default plays it.
 */
export async function routeToSpeaker(audio: HTMLMediaElement): Promise<void> {
  const sinkId = settingsNow().audio.outputDeviceId;
  const element = audio as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };
  if (!sinkId || typeof element.setSinkId !== "function") return;
  await element.setSinkId(sinkId).catch(() => {});
}

/** A hidden <audio> element that plays the other side; remove it when the call ends. */
export function remoteAudioElement(): HTMLAudioElement {
  const audio = document.createElement("audio");
  audio.autoplay = true;
  audio.setAttribute("data-testid", "remote-audio");
  audio.hidden = true;
  document.body.append(audio);
  void loadSettings().then(() => routeToSpeaker(audio));
  return audio;
}

/** Words for a getUserMedia failure. */
export function microphoneProblem(error: unknown): string {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError") {
    return "CareFlow may not use your microphone. Allow it in the browser's site settings.";
  }
  if (name === "NotFoundError") return "No microphone was found. Connect a headset and try again.";
  return "The microphone could not be opened.";
}

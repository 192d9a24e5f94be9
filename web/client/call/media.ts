/** Microphone capture and remote playback, with the cleanup that releases the device. */

/** Asks for the microphone with the voice processing a phone call wants. */
export async function openMicrophone(): Promise<MediaStream> {
  return await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    video: false,
  });
}

/** Stops every track, which turns off the browser's "microphone in use" indicator. */
export function release(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** A hidden <audio> element that plays the other side; remove it when the call ends. */
export function remoteAudioElement(): HTMLAudioElement {
  const audio = document.createElement("audio");
  audio.autoplay = true;
  audio.setAttribute("data-testid", "remote-audio");
  audio.hidden = true;
  document.body.append(audio);
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

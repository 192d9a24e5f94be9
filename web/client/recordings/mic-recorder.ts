/**
 * Records a voicemail greeting from the microphone with MediaRecorder. WebM/Opus first: it is
 * what Chromium and Firefox make, small, and one of the containers the server keeps.
 */

/** Containers the server accepts, in order of preference. */
const TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus"];

/** A recording in progress. */
export interface MicRecording {
  /** Stops recording; resolves with the audio. */
  stop(): Promise<Blob>;
  /** Stops and throws the audio away (the user left, or started again). */
  cancel(): void;
}

/** Whether this browser can record at all. */
export function canRecord(): boolean {
  return typeof MediaRecorder !== "undefined" && !!navigator.mediaDevices?.getUserMedia;
}

/**
 * Asks for the microphone and starts recording. Rejects with plain words when the browser cannot
 * record or the user says no.
 */
export async function startMicRecording(): Promise<MicRecording> {
  if (!canRecord()) throw new Error("This browser cannot record audio. Upload a file instead.");
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch {
    throw new Error(
      "The microphone could not be used. Allow CareFlow to use it in your browser, or upload a file.",
    );
  }
  const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported(type));
  const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
  const chunks: Blob[] = [];
  recorder.ondataavailable = (event) => {
    if (event.data.size > 0) chunks.push(event.data);
  };
  // The microphone light goes off as soon as recording ends, whichever way it ends.
  const release = () => stream.getTracks().forEach((track) => track.stop());
  const stopped = new Promise<Blob>((resolve) => {
    recorder.onstop = () => {
      release();
      resolve(new Blob(chunks, { type: (recorder.mimeType || mimeType) ?? "audio/webm" }));
    };
  });
  recorder.start();
  return {
    stop() {
      if (recorder.state !== "inactive") recorder.stop();
      return stopped;
    },
    cancel() {
      chunks.length = 0;
      if (recorder.state !== "inactive") recorder.stop();
      else release();
    },
  };
}

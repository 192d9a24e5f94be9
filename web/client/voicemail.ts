/**
 * Leaving a voicemail after an unanswered browser call: what the callee's greeting is, playing it
 * (or saying a default one), a tone, recording the caller's microphone, and sending the message
 * with upload progress.
 */

/** The callee's name and whether they recorded a greeting, for this call. */
export async function voicemailFor(
  callId: string,
): Promise<{ calleeName: string; hasGreeting: boolean }> {
  const response = await fetch(`/api/voicemail/calls/${encodeURIComponent(callId)}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail ?? "A message cannot be left for this call.");
  return body;
}

/** Plays the greeting (the callee's own, or a spoken default), then a short tone. */
export async function playGreeting(callId: string, calleeName: string, hasGreeting: boolean) {
  if (hasGreeting) {
    const audio = new Audio(`/api/voicemail/calls/${encodeURIComponent(callId)}/greeting`);
    await new Promise<void>((resolve) => {
      audio.onended = audio.onerror = () => resolve();
      void audio.play().catch(() => resolve());
    });
  } else if ("speechSynthesis" in globalThis && speechSynthesis.getVoices().length > 0) {
    const words = new SpeechSynthesisUtterance(
      `${calleeName} cannot take your call. Please leave a message after the tone.`,
    );
    await new Promise<void>((resolve) => {
      words.onend = words.onerror = () => resolve();
      speechSynthesis.speak(words);
    });
  }
  await tone();
}

/** The tone after the greeting: 0.4 s at 1 kHz. */
async function tone() {
  const context = new AudioContext();
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  gain.gain.value = 0.1;
  oscillator.frequency.value = 1000;
  oscillator.connect(gain).connect(context.destination);
  oscillator.start();
  await new Promise((resolve) => setTimeout(resolve, 400));
  oscillator.stop();
  await context.close();
}

/** Records the microphone until `stop()`; resolves with the audio and its length. */
export async function recordMessage(): Promise<
  { stop(): Promise<{ blob: Blob; seconds: number }> }
> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  const type =
    ["audio/webm;codecs=opus", "audio/ogg;codecs=opus"].find((t) =>
      MediaRecorder.isTypeSupported(t)
    ) ?? "";
  const recorder = new MediaRecorder(stream, { mimeType: type });
  const parts: Blob[] = [];
  recorder.ondataavailable = (event) => event.data.size > 0 && parts.push(event.data);
  const started = performance.now();
  recorder.start(1000);
  return {
    stop: () =>
      new Promise((resolve) => {
        recorder.onstop = () => {
          for (const track of stream.getTracks()) track.stop();
          resolve({
            blob: new Blob(parts, { type: recorder.mimeType }),
            seconds: (performance.now() - started) / 1000,
          });
        };
        recorder.stop();
      }),
  };
}

/** Sends the message; `progress` hears the share uploaded (0-1). */
export function sendMessage(
  callId: string,
  message: { blob: Blob; seconds: number },
  progress: (share: number) => void,
): Promise<void> {
  const form = new FormData();
  form.append("callId", callId);
  form.append("duration", String(Math.min(300, Math.round(message.seconds))));
  form.append("file", message.blob, "message");
  // XMLHttpRequest, not fetch: only it reports upload progress.
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", "/api/voicemail");
    request.upload.onprogress = (event) =>
      event.lengthComputable && progress(event.loaded / event.total);
    request.onload = () =>
      request.status === 201
        ? resolve()
        : reject(new Error(JSON.parse(request.responseText || "{}").detail ?? "Not sent."));
    request.onerror = () => reject(new Error("The message could not be sent."));
    request.send(form);
  });
}

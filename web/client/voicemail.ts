/**
 * Leaving a voicemail after an unanswered browser call: what the callee's greeting is, playing it
 * (or saying a default one), a tone, recording the caller's microphone, and sending the message
 * with upload progress. And, on the callee's side, noticing a message left after a call.
 */
import { notifyOnce } from "./call-notice.ts";
import { loadSettings } from "./settings.ts";

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

/** How often, and for how long after an unanswered call, new voicemail is looked for. */
const VOICEMAIL_CHECK_MS = 5_000;
const VOICEMAIL_WATCH_MS = 6 * 60_000;

/** The newest voicemail (id and who left it), or null. */
async function newestVoicemail(): Promise<{ id: string; from: string; listened: boolean } | null> {
  const response = await fetch("/api/recordings?type=voicemail&limit=1&sort=newest");
  if (!response.ok) throw new Error(String(response.status));
  const [newest] = (await response.json()).recordings ?? [];
  if (!newest) return null;
  const from = newest.otherParty?.displayName ?? newest.otherParty?.phone ?? "someone";
  return { id: newest.id, from, listened: newest.isListened };
}

/**
 * After a call to this user went unanswered, the caller may leave a message (up to 5 minutes,
 * then the upload): the newest voicemail is looked at every few seconds for a while, and a new
 * one is told with a desktop notice when the user wants them (`notifications.voicemail`). There
 * is no push of voicemail to the tab, so this bounded look is the least that works. Returns how
 * to stop early.
 */
export function watchForVoicemail(): () => void {
  let stopped = false;
  const deadline = Date.now() + VOICEMAIL_WATCH_MS;
  (async () => {
    const before = await newestVoicemail().catch(() => null);
    while (!stopped && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, VOICEMAIL_CHECK_MS));
      const newest = await newestVoicemail().catch(() => null);
      if (!newest || newest.id === before?.id || newest.listened) continue;
      if ((await loadSettings()).notifications.voicemail) {
        await notifyOnce(
          `New voicemail from ${newest.from}`,
          "CareFlow",
          `careflow-vm-${newest.id}`,
        );
      }
      return;
    }
  })();
  return () => (stopped = true);
}

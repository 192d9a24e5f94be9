import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { type MicRecording, startMicRecording } from "./mic-recorder.ts";

/** A greeting not saved yet: recorded here or picked from a file, playable from a blob URL. */
export interface Draft {
  audio: Blob;
  url: string;
  from: "microphone" | "file";
}

/** Greetings are short; recording stops by itself after this long. */
export const MAX_GREETING_SECONDS = 60;

/** The greeting being made, and the ways to make or drop it. */
export interface GreetingDraft {
  draft: Signal<Draft | null>;
  /** Seconds recorded so far, or null when not recording. */
  elapsed: Signal<number | null>;
  error: Signal<string | null>;
  record(): Promise<void>;
  stop(): Promise<void>;
  pick(file: File): void;
  discard(): void;
}

/**
 * Recording a greeting with the microphone, or picking a file, into one draft. Blob URLs are
 * revoked when replaced and when the island goes away, and the microphone is released.
 */
export function useGreetingDraft(): GreetingDraft {
  const draft = useSignal<Draft | null>(null);
  const elapsed = useSignal<number | null>(null);
  const error = useSignal<string | null>(null);
  const session = useSignal<{ mic: MicRecording; timer: ReturnType<typeof setInterval> } | null>(
    null,
  );

  const replace = (next: Draft | null) => {
    if (draft.value) URL.revokeObjectURL(draft.value.url);
    draft.value = next;
  };
  const stop = async () => {
    const current = session.value;
    if (!current) return;
    clearInterval(current.timer);
    session.value = null;
    elapsed.value = null;
    const audio = await current.mic.stop();
    replace({ audio, url: URL.createObjectURL(audio), from: "microphone" });
  };
  const record = async () => {
    error.value = null;
    try {
      const mic = await startMicRecording();
      const started = Date.now();
      elapsed.value = 0;
      const timer = setInterval(() => {
        elapsed.value = Math.floor((Date.now() - started) / 1000);
        if (elapsed.value >= MAX_GREETING_SECONDS) void stop();
      }, 250);
      session.value = { mic, timer };
    } catch (failure) {
      error.value = (failure as Error).message;
    }
  };

  useEffect(() => () => {
    const current = session.value;
    if (current) {
      clearInterval(current.timer);
      current.mic.cancel();
    }
    if (draft.value) URL.revokeObjectURL(draft.value.url);
  }, []);

  return {
    draft,
    elapsed,
    error,
    record,
    stop,
    pick(file) {
      error.value = null;
      if (file.type && !file.type.startsWith("audio/")) {
        return void (error.value = "Choose an audio file (WebM, Ogg, WAV or MP3).");
      }
      replace({ audio: file, url: URL.createObjectURL(file), from: "file" });
    },
    discard: () => replace(null),
  };
}

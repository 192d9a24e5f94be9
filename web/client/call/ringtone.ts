/**
 * Ringtone and ringback generated with Web Audio (no audio files to ship): the UK double ring
 * (400+450 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off) for incoming calls, a softer single
 * 425 Hz tone for ringback, and two quiet beeps every 5 s for a call waiting (heard over the call
 * in progress, so it must not drown it).
 *
 * Browsers keep audio of a page the person has not interacted with suspended (autoplay
 * policy): a call ringing in a tab nobody clicked stays silent. That is detected (the context
 * stays "suspended") and told through `soundBlocked` / `onSoundBlocked`, so the phone can say
 * so; the next click or key press anywhere on the page lets the tone play.
 *
 * The ringtone follows the user's `notifications.sound` setting (off: an incoming call rings
 * silently, the card and notices still show it); ringback is the caller's own progress tone and
 * always plays.
 */
import { loadSettings, settingsNow } from "../settings.ts";
export interface Tone {
  stop(): void;
}

const PATTERNS = {
  ring: { freqs: [400, 450], bursts: [[0, 0.4], [0.6, 1.0]], period: 3.0, gain: 0.15 },
  ringback: { freqs: [425], bursts: [[0, 1.0]], period: 4.0, gain: 0.06 },
  waiting: { freqs: [440], bursts: [[0, 0.2], [0.4, 0.6]], period: 5.0, gain: 0.04 },
} as const;

let blocked = false;
const listeners = new Set<(blocked: boolean) => void>();

function setBlocked(now: boolean) {
  if (now === blocked) return;
  blocked = now;
  for (const listener of listeners) listener(now);
}

/** Whether the ringtone playing now is held silent by the browser. */
export function soundBlocked(): boolean {
  return blocked;
}

/** Hears when the ringtone becomes blocked or allowed; returns an unsubscribe. */
export function onSoundBlocked(listener: (blocked: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** What lifts the autoplay block: a user gesture on the page. */
const GESTURES = ["pointerdown", "keydown"] as const;
/** How long a context may stay suspended before the ringtone counts as blocked. */
const BLOCKED_AFTER_MS = 300;

// Fetched as the engine loads (this module comes with it), so the first call already rings as
// the user chose, not with the defaults.
void loadSettings();

/**
 * Plays a repeating tone until stopped; silent (never throwing) where Web Audio is missing, and
 * for the ring (and the call-waiting beeps) when the user turned the ringtone off.
 */
export function playTone(kind: keyof typeof PATTERNS): Tone {
  const Context = globalThis.AudioContext;
  const ringing = kind === "ring" || kind === "waiting";
  if (!Context || (ringing && !settingsNow().notifications.sound)) return { stop() {} };
  const context = new Context();
  const pattern = PATTERNS[kind];
  const gain = context.createGain();
  gain.gain.value = 0;
  gain.connect(context.destination);
  const oscillators = pattern.freqs.map((frequency) => {
    const oscillator = context.createOscillator();
    oscillator.frequency.value = frequency;
    oscillator.connect(gain);
    oscillator.start();
    return oscillator;
  });
  const schedule = () => {
    const base = context.currentTime + 0.05;
    for (const [on, off] of pattern.bursts) {
      gain.gain.setValueAtTime(pattern.gain, base + on);
      gain.gain.setValueAtTime(0, base + off);
    }
  };
  schedule();
  const timer = setInterval(schedule, pattern.period * 1000);
  let stopped = false;
  const unlock = () => {
    if (context.state === "suspended") void context.resume().catch(() => {});
  };
  const check = () => {
    if (!stopped) setBlocked(context.state === "suspended");
  };
  context.addEventListener("statechange", check);
  for (const gesture of GESTURES) addEventListener(gesture, unlock, true);
  if (context.state === "suspended") {
    // Some browsers start every context suspended for a moment even where sound is allowed:
    // ask to resume, and call it blocked only if it is still suspended shortly after.
    unlock();
    setTimeout(check, BLOCKED_AFTER_MS);
  }
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const gesture of GESTURES) removeEventListener(gesture, unlock, true);
      context.removeEventListener("statechange", check);
      setBlocked(false);
      for (const oscillator of oscillators) oscillator.stop();
      void context.close();
    },
  };
}

/**
 * Ringtone and ringback generated with Web Audio (no audio files to ship): the UK double ring
 * (400+450 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off) for incoming calls, a softer single
 * 425 Hz tone for ringback.
 */
export interface Tone {
  stop(): void;
}

const PATTERNS = {
  ring: { freqs: [400, 450], bursts: [[0, 0.4], [0.6, 1.0]], period: 3.0, gain: 0.15 },
  ringback: { freqs: [425], bursts: [[0, 1.0]], period: 4.0, gain: 0.06 },
} as const;

/** Plays a repeating tone until stopped; silent (never throwing) where Web Audio is missing. */
export function playTone(kind: keyof typeof PATTERNS): Tone {
  const Context = globalThis.AudioContext;
  if (!Context) return { stop() {} };
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
  return {
    stop() {
      clearInterval(timer);
      for (const oscillator of oscillators) oscillator.stop();
      void context.close();
    },
  };
}

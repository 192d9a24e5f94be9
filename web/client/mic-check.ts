/**
 * The microphone and speaker check of Settings: a live level of what the microphone hears, and
 * a short tone through the speaker. The microphone is opened only when the person presses
 * "Test microphone", never on page load, and released when the test stops.
 */

/** Words for why the microphone could not be opened, from getUserMedia's error. */
export function micProblem(error: unknown): string {
  const name = (error as { name?: string } | null)?.name;
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "Your microphone is blocked for CareFlow: calls cannot connect. Allow it in the browser's site settings.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "No microphone was found. Plug one in, or check your computer's sound settings.";
  }
  if (name === "NotReadableError") {
    return "The microphone could not be started: another app may be using it.";
  }
  return "The microphone could not be opened.";
}

/** The loudness of one buffer of samples (0 silent … 1 loud), root mean square, amplified. */
export function levelOf(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  // Speech at a normal distance is around 0.05-0.2 RMS: scaled so it fills most of the meter.
  return Math.min(1, rms * 5);
}

/**
 * Opens the microphone and reports its level ten times a second until stopped. Rejects with
 * getUserMedia's error (see `micProblem`).
 */
export async function listenToMic(onLevel: (level: number) => void): Promise<() => void> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    onLevel(levelOf(samples));
  }, 100);
  return () => {
    clearInterval(timer);
    for (const track of stream.getTracks()) track.stop();
    void context.close();
  };
}

/** Plays a short, soft two-note chime through the speaker; resolves when it is over. */
export async function playTestTone(): Promise<void> {
  const context = new AudioContext();
  await context.resume().catch(() => {});
  const gain = context.createGain();
  gain.connect(context.destination);
  const start = context.currentTime + 0.05;
  for (const [index, frequency] of [660, 880].entries()) {
    const at = start + index * 0.35;
    const oscillator = context.createOscillator();
    oscillator.frequency.value = frequency;
    oscillator.connect(gain);
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.2, at + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
    oscillator.start(at);
    oscillator.stop(at + 0.32);
  }
  await new Promise((resolve) => setTimeout(resolve, 800));
  await context.close();
}

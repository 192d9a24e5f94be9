/**
 * Records a browser-to-browser call in the browser that asked: both voices mixed (Web Audio) into
 * one Opus stream (MediaRecorder), uploaded in parts while the call runs, so a tab that dies keeps
 * what was sent; `stop` sends the rest and finishes the recording, `discard` throws it all away.
 */

/** How often a part is cut and sent. */
const PART_MS = 2_000;
const RETRIES = 3;

/** A running recording. */
export interface CallRecorder {
  /** Stops, sends what is left, and asks the server to join the parts. */
  stop(): Promise<void>;
  /** Stops and has the server delete everything (the other party refused). */
  discard(): Promise<void>;
}

/** Told how many parts still wait to be sent (0 when all are in). */
export type UploadProgress = (partsLeft: number) => void;

function mimeType(): string {
  for (const type of ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm"]) {
    if (MediaRecorder.isTypeSupported(type)) return type;
  }
  return "";
}

async function post(path: string, body?: unknown): Promise<Response> {
  const response = await fetch(path, {
    method: "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response;
}

/** Mixes `local` and `remote` into one stream. */
function mix(local: MediaStream, remote: MediaStream) {
  const context = new AudioContext();
  const destination = context.createMediaStreamDestination();
  for (const stream of [local, remote]) {
    if (stream.getAudioTracks().length > 0) {
      context.createMediaStreamSource(stream).connect(destination);
    }
  }
  return { context, stream: destination.stream };
}

/** Starts recording `callId` with both sides' audio. */
export async function startCallRecorder(
  callId: string,
  local: MediaStream,
  remote: MediaStream,
  onProgress: UploadProgress,
): Promise<CallRecorder> {
  const { recording } = await (await post("/api/recordings", { callId })).json();
  const id: string = recording.id;
  const mixed = mix(local, remote);
  const recorder = new MediaRecorder(mixed.stream, { mimeType: mimeType() });
  const started = performance.now();
  const queue: Blob[] = [];
  let sent = 0;
  let sending: Promise<void> = Promise.resolve();
  let discarded = false;

  const sendPart = async (part: Blob, n: number) => {
    for (let attempt = 1; attempt <= RETRIES && !discarded; attempt++) {
      const response = await fetch(`/api/recordings/${id}/parts/${n}`, {
        method: "PUT",
        body: part,
        headers: {
          "content-type": part.type || "audio/webm",
          "x-recording-elapsed": String(Math.round((performance.now() - started) / 1000)),
        },
      }).catch(() => null);
      if (response?.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  };
  const drain = () => {
    sending = sending.then(async () => {
      while (queue.length > 0 && !discarded) {
        const part = queue.shift()!;
        await sendPart(part, ++sent);
        onProgress(queue.length);
      }
    });
    return sending;
  };
  recorder.ondataavailable = (event) => {
    if (event.data.size === 0 || discarded) return;
    queue.push(event.data);
    onProgress(queue.length);
    void drain();
  };
  const stopRecorder = () =>
    new Promise<void>((resolve) => {
      if (recorder.state === "inactive") return resolve();
      recorder.onstop = () => resolve();
      recorder.stop();
    });
  recorder.start(PART_MS);

  return {
    async stop() {
      await stopRecorder();
      await drain();
      void mixed.context.close();
      if (!discarded) await post(`/api/recordings/${id}/finish`).catch(() => {});
      onProgress(0);
    },
    async discard() {
      discarded = true;
      queue.length = 0;
      await stopRecorder();
      void mixed.context.close();
      await post(`/api/recordings/${id}/discard`).catch(() => {});
      onProgress(0);
    },
  };
}

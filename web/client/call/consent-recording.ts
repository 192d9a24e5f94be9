/**
 * Recording a browser-to-browser call in this tab, with the other party's consent: they are told
 * before any audio is kept, and their refusal stops the recording and deletes it.
 */
import type { ClientMessage } from "../../../shared/signal.ts";
import type { CallState } from "./call-state.ts";
import { startCallRecorder } from "./recorder.ts";
import type { Media } from "./call-media.ts";

/** Recording this tab's call, and consenting (or not) to the other party's. */
export interface Recording {
  set(on: boolean): void;
  refuse(): void;
  /** The other party refused ours: it stops and is deleted. */
  refused(name: string): Promise<void>;
}

/** The recording side of one engine, over its call state and media. */
export function createRecording(
  calls: CallState,
  media: Media,
  send: (message: ClientMessage) => boolean,
): Recording {
  const callId = () => calls.state.callId!;
  // A refusal can arrive while the recording is still starting (its upload not yet opened):
  // what started must then be thrown away, not kept.
  let refusedWhileStarting = false;
  const start = async () => {
    refusedWhileStarting = false;
    const id = callId();
    // The other party hears of it before any audio is kept.
    calls.update({ recording: "starting", notice: null });
    send({ type: "record", callId: id, recording: true });
    try {
      const recorder = await startCallRecorder(
        id,
        media.stream!,
        media.remote ?? new MediaStream(),
        (savingParts) => calls.update({ savingParts }),
      );
      if (refusedWhileStarting) return void recorder.discard();
      // The call may have ended, or the recording been stopped, while it started.
      if (calls.state.callId !== id || calls.state.recording !== "starting") {
        return void recorder.stop();
      }
      media.recorder = recorder;
      calls.update({ recording: "on" });
    } catch {
      if (calls.state.callId === id) send({ type: "record", callId: id, recording: false });
      calls.update({ recording: "off", notice: "The recording could not start." });
    }
  };
  return {
    set(on) {
      const connected = calls.state.phase === "connected" && media.stream !== null;
      if (on && connected && calls.state.recording === "off") void start();
      if (!on && media.recorder) {
        send({ type: "record", callId: callId(), recording: false });
        void media.recorder.stop();
        media.recorder = null;
        calls.update({ recording: "off" });
      }
    },
    refuse() {
      if (!calls.state.peerRecording) return;
      send({ type: "record-refused", callId: callId() });
      calls.update({ peerRecording: false, notice: "You did not agree: nothing of it is kept." });
    },
    async refused(name) {
      const recorder = media.recorder;
      media.recorder = null;
      if (!recorder && calls.state.recording === "starting") refusedWhileStarting = true;
      calls.update({
        recording: "off",
        notice: `${name} did not agree to be recorded; the recording is deleted.`,
      });
      await recorder?.discard();
    },
  };
}

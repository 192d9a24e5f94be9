/**
 * The ringtone says when the browser keeps it silent (autoplay policy): a context that stays
 * suspended counts as blocked, a click or key press anywhere lets it play, and stopping the tone
 * clears the state. Web Audio is played by a stand-in with the browser's state machine.
 */
import assert from "node:assert/strict";
import { onSoundBlocked, playTone, soundBlocked } from "./ringtone.ts";

/** An AudioContext that stays suspended until resumed during a user gesture. */
class FakeContext extends EventTarget {
  static gesture = false;
  static allowed = false;
  state: AudioContextState = FakeContext.allowed ? "running" : "suspended";
  currentTime = 0;
  destination = {};
  createGain() {
    return { gain: { value: 0, setValueAtTime() {} }, connect() {} };
  }
  createOscillator() {
    return { frequency: { value: 0 }, connect() {}, start() {}, stop() {} };
  }
  resume() {
    if (FakeContext.gesture || FakeContext.allowed) {
      this.state = "running";
      this.dispatchEvent(new Event("statechange"));
    }
    return Promise.resolve();
  }
  close() {
    this.state = "closed";
    return Promise.resolve();
  }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("a ringtone the browser keeps silent is reported, and a key press lets it play", async () => {
  const g = globalThis as unknown as { AudioContext: unknown };
  const native = g.AudioContext;
  g.AudioContext = FakeContext;
  const heard: boolean[] = [];
  const unsubscribe = onSoundBlocked((now) => heard.push(now));
  try {
    FakeContext.allowed = false;
    const tone = playTone("ring");
    assert.equal(soundBlocked(), false, "not called blocked at once");
    await wait(400);
    assert.equal(soundBlocked(), true);
    FakeContext.gesture = true;
    dispatchEvent(new Event("keydown"));
    FakeContext.gesture = false;
    assert.equal(soundBlocked(), false, "the key press let it play");
    tone.stop();
    assert.deepEqual(heard, [true, false]);

    // Allowed from the start: never reported.
    FakeContext.allowed = true;
    const allowed = playTone("ring");
    await wait(400);
    assert.equal(soundBlocked(), false);
    allowed.stop();

    // Stopped while blocked: no longer blocked.
    FakeContext.allowed = false;
    const silent = playTone("ring");
    await wait(400);
    assert.equal(soundBlocked(), true);
    silent.stop();
    assert.equal(soundBlocked(), false);
  } finally {
    unsubscribe();
    g.AudioContext = native;
  }
});

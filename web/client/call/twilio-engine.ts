/**
 * The `twilio` call engine: `@twilio/voice-sdk`'s Device registered as the user's CareFlow ID,
 * carrying calls to and from phone numbers (CareFlow IDs keep the deployment's own engine, see
 * `routed-engine.ts`). Same phases and end-reason words as the other engines. Loaded as its own
 * chunk, only when the server hands out a Twilio token.
 *
 * Hold is not offered: a Twilio call is held by moving its other leg with the REST API, which
 * this deployment does not do, so the control says so instead of pretending.
 */
import { Call, Device } from "@twilio/voice-sdk";
import type { TokenResponse } from "../../../shared/api.ts";
import { isAllowedDestination } from "../../../shared/phone.ts";
import { type CallState, createCallState } from "./call-state.ts";
import type { CallEnd } from "./end-reasons.ts";
import { microphoneConstraints, microphoneProblem } from "./media.ts";
import { loadSettings, settingsNow } from "../settings.ts";
import { type AudioChoice, type CallEngine, RECORDED_ELSEWHERE } from "./types.ts";

export type TwilioBrowserToken = NonNullable<TokenResponse["twilio"]>;

export interface TwilioEngineOptions {
  token: TwilioBrowserToken;
  /** A fresh token from our server (the SDK says when: `tokenWillExpire`). */
  refresh(): Promise<TwilioBrowserToken>;
  /** True while another engine of this tab has a call: a Twilio call in is then refused. */
  busyElsewhere(): boolean;
  /**
   * The user's "record my calls": Twilio then records their calls both ways (the TwiML tells
   * both parties first), and the call shows it.
   */
  recordCalls: boolean;
}

/** Twilio's codes for a refused or expired token (20101-20107, 31201-31205). */
const TOKEN_CODES = new Set([20101, 20103, 20104, 20105, 20107, 31201, 31202, 31204, 31205]);
const TOKEN_EXPIRED = new Set([20104, 31205]);
/** The call-quality warnings the SDK raises; any of them makes the call sound poor. */
const POOR = new Set(["high-rtt", "high-jitter", "high-packet-loss", "low-mos"]);

const SILENT_SOUNDS = Object.fromEntries(
  Object.values(Device.SoundName).map((name) => [name, "/static/sounds/silent.wav"]),
);

const UNREACHABLE = "Outside calls are unavailable: Twilio cannot be reached. Retrying…";
const REFUSED = "Outside calls are unavailable: Twilio refused this phone's sign-in. Reload.";

/** The current Twilio call, and how this tab ended it (if it did). */
interface Line {
  call: Call | null;
  endedByUs: CallEnd | null;
  warnings: Set<string>;
}

/** Creates the engine; `start()` registers the Device for calls in. */
export function createTwilioEngine(options: TwilioEngineOptions): CallEngine {
  const calls = createCallState();
  const line: Line = { call: null, endedByUs: null, warnings: new Set() };
  let device: Device | null = null;

  const finish = (end: CallEnd | { text: string }) => {
    line.call = null;
    line.warnings.clear();
    calls.showEnded(end);
  };
  const follow = (call: Call, ending: () => CallEnd) =>
    followCall(call, { calls, line, finish, recorded: options.recordCalls }, ending);

  const onIncoming = (call: Call) => {
    if (calls.inCall() || options.busyElsewhere()) return call.reject();
    line.call = call;
    line.endedByUs = null;
    // CareFlow names the caller (a colleague's personal phone shows as them, number hidden).
    const from = call.customParameters.get("callerId") ?? call.parameters.From ?? "";
    const name = call.customParameters.get("callerName");
    calls.begin({
      phase: "incoming",
      callId: call.parameters.CallSid ?? crypto.randomUUID(),
      direction: "inbound",
      remote: { care4wId: from, displayName: name || from },
    });
    // Twilio withdraws the invite alike when the caller hangs up and when another device of
    // this user answers; the words cover both.
    follow(call, () => calls.state.phase === "incoming" ? "rang-out" : "hangup");
    calls.tone("ring");
  };

  const engine: CallEngine = {
    mode: "twilio",
    phoneLine: "twilio",
    start() {
      device = registerDevice(options, calls, onIncoming);
    },
    async call(target) {
      if (!device || calls.inCall()) return;
      line.endedByUs = null;
      calls.begin({
        phase: "calling",
        callId: crypto.randomUUID(),
        direction: "outbound",
        remote: { care4wId: target, displayName: target },
      });
      try {
        const call = await device.connect({ params: { To: target }, rtcConstraints: microphone() });
        line.call = call;
        call.on("ringing", () => {
          if (calls.state.phase === "calling") calls.update({ phase: "ringing" });
          calls.tone("ringback");
        });
        // Twilio ends an unanswered, busy or refused outside call with the same hangup.
        follow(call, () => calls.state.connectedAt === null ? "not-connected" : "hangup");
      } catch (error) {
        finish({ text: microphoneProblem(error) });
      }
    },
    answer() {
      if (calls.state.phase !== "incoming" || !line.call) return Promise.resolve();
      calls.tone(null);
      calls.update({ phase: "connecting" });
      line.call.accept({ rtcConstraints: microphone() });
      return Promise.resolve();
    },
    decline() {
      if (calls.state.phase !== "incoming" || !line.call) return;
      line.endedByUs = "declined";
      line.call.reject();
      finish("declined");
    },
    cancel() {
      if (calls.state.phase !== "calling" && calls.state.phase !== "ringing") return;
      line.endedByUs = "cancelled";
      line.call?.disconnect();
      finish("cancelled");
    },
    hangup() {
      if (!calls.inCall()) return;
      if (calls.state.phase === "incoming") return engine.decline();
      if (calls.state.connectedAt === null && calls.state.phase !== "connecting") {
        return engine.cancel();
      }
      line.endedByUs = "hangup";
      line.call?.disconnect();
      finish("hangup");
    },
    setMuted(muted) {
      line.call?.mute(muted);
      calls.update({ muted });
    },
    canHold: false,
    setHeld() {},
    ...RECORDED_ELSEWHERE,
    sendDtmf(tones) {
      if (calls.state.phase === "connected") line.call?.sendDigits(tones);
    },
    audio: audioChoice(() => device),
    allows: (e164) => isAllowedDestination(e164, options.token.allowedPrefixes),
    subscribe: calls.subscribe,
    stop() {
      if (calls.inCall()) engine.hangup();
      calls.cancelIdle();
      device?.destroy();
      device = null;
    },
  };
  return engine;
}

/** The Device, registered for calls in, its state and problems mirrored into `calls`. */
function registerDevice(
  options: TwilioEngineOptions,
  calls: CallState,
  onIncoming: (call: Call) => void,
): Device {
  const device = new Device(options.token.token, {
    codecPreferences: [Call.Codec.Opus, Call.Codec.PCMU],
    closeProtection: false,
    logLevel: "silent",
    // The SDK's own sounds are files on Twilio's CDN, which the page's CSP refuses: a silent
    // file of ours stands in, and our tones are generated (`ringtone.ts`).
    disableAudioContextSounds: true,
    sounds: SILENT_SOUNDS,
    // Call metadata stays out of Twilio's analytics; the history grades quality itself.
    publishEvents: false,
  } as Device.Options);
  device.audio?.incoming(false);
  device.audio?.outgoing(false);
  device.audio?.disconnect(false);
  void applyAudioSettings(device);
  /** Swaps the token before Twilio refuses it; a failed refresh shows as unreachable. */
  const renew = async () => {
    try {
      device.updateToken((await options.refresh()).token);
    } catch {
      calls.update({ problem: UNREACHABLE });
    }
  };
  device.on("registered", () => calls.update({ ready: true, problem: null }));
  device.on("unregistered", () => calls.update({ ready: false }));
  device.on("incoming", onIncoming);
  device.on("tokenWillExpire", () => void renew());
  device.on("error", (error: { code?: number }) => {
    const code = error.code ?? 0;
    if (TOKEN_EXPIRED.has(code)) return void renew();
    calls.update({ ready: false, problem: TOKEN_CODES.has(code) ? REFUSED : UNREACHABLE });
  });
  device.register().catch(() => calls.update({ ready: false, problem: UNREACHABLE }));
  return device;
}

/** What following a call may touch. */
interface CallContext {
  calls: CallState;
  line: Line;
  finish(end: CallEnd | { text: string }): void;
  recorded: boolean;
}

/** Follows one call to its end; `ending` reads how it ended when Twilio's side ended it. */
function followCall(call: Call, context: CallContext, ending: () => CallEnd) {
  const { calls, line } = context;
  const current = () => line.call === call || line.call === null;
  const end = (why: CallEnd | { text: string }) => {
    if (current() && calls.inCall()) context.finish(line.endedByUs ?? why);
  };
  call.on("accept", () => {
    calls.tone(null);
    calls.update({
      phase: "connected",
      connectedAt: Date.now(),
      quality: "good",
      recording: context.recorded ? "on" : "off",
    });
  });
  call.on("disconnect", () => end(ending()));
  call.on("cancel", () => end(ending()));
  call.on("reject", () => end("declined"));
  call.on("error", (error: { code?: number }) => {
    // 31208/31401/31402: the microphone was refused or is missing.
    if ([31208, 31401, 31402].includes(error.code ?? 0)) {
      end({ text: microphoneProblem(new DOMException("", "NotAllowedError")) });
    } else end(calls.state.connectedAt === null ? "error" : "failed");
  });
  call.on("reconnecting", () => calls.update({ phase: "reconnecting" }));
  call.on("reconnected", () => calls.update({ phase: "connected" }));
  call.on("warning", (name: string) => {
    if (!POOR.has(name)) return;
    line.warnings.add(name);
    calls.update({ quality: "poor" });
  });
  call.on("warning-cleared", (name: string) => {
    line.warnings.delete(name);
    if (line.warnings.size === 0 && calls.state.phase === "connected") {
      calls.update({ quality: "good" });
    }
  });
}

/**
 * What the SDK asks of the microphone for each call: the user's chosen microphone and voice
 * processing (Settings), the same as the other engines' `media.ts`.
 */
const microphone = () => ({ audio: microphoneConstraints() });

/** The user's chosen speaker (Settings), where the browser can route audio. */
async function applyAudioSettings(device: Device): Promise<void> {
  await loadSettings();
  const audio = device.audio;
  const { outputDeviceId } = settingsNow().audio;
  // A device unplugged since is no reason to fail: the default stays.
  if (audio && outputDeviceId && audio.isOutputSelectionSupported) {
    await audio.speakerDevices.set(outputDeviceId).catch(() => {});
  }
}

/** Microphone and speaker choice through the SDK's audio helper. */
function audioChoice(device: () => Device | null): AudioChoice {
  return {
    list() {
      const audio = device()?.audio;
      if (!audio) return Promise.resolve({ inputs: [], outputs: [], canChooseOutput: false });
      const named = (map: Map<string, MediaDeviceInfo>) =>
        [...map.values()].map((d) => ({ id: d.deviceId, label: d.label || "Unnamed device" }));
      return Promise.resolve({
        inputs: named(audio.availableInputDevices),
        outputs: named(audio.availableOutputDevices),
        canChooseOutput: audio.isOutputSelectionSupported,
      });
    },
    async choose(kind, id) {
      const audio = device()?.audio;
      if (!audio) return;
      if (kind === "input") await audio.setInputDevice(id);
      else await audio.speakerDevices.set(id);
    },
  };
}

/**
 * The TwiML CareFlow answers Twilio with, as pure functions of what the call is (built with the
 * `twilio` library's VoiceResponse, so the XML is Twilio's own). Paths are relative to the
 * webhook base so Twilio posts the next step back to us, signed.
 */
import twilio from "twilio";

const { VoiceResponse } = twilio.twiml;
const VOICE = { voice: "Polly.Amy", language: "en-GB" } as const;

/** `<Dial>` attributes that record both sides and call back at `path` once the file is ready. */
function recordingAttributes(path: string | undefined) {
  return path
    ? {
      record: "record-from-answer-dual" as const,
      recordingStatusCallback: path,
      recordingStatusCallbackEvent: ["completed" as const],
    }
    : {};
}

/** A browser user calling a phone number: the organisation's number as caller ID. */
export function dialPhone(o: {
  to: string;
  callerId: string;
  statusPath: string;
  record: boolean;
  recordingPath: string;
  announcePath: string;
}): string {
  const response = new VoiceResponse();
  if (o.record) response.say(VOICE, "This call is recorded.");
  const dial = response.dial({
    callerId: o.callerId,
    action: o.statusPath,
    method: "POST",
    ...recordingAttributes(o.record ? o.recordingPath : undefined),
  });
  // The called party hears the same notice before being connected.
  dial.number(o.record ? { url: o.announcePath, method: "POST" } : {}, o.to);
  return response.toString();
}

/** A call in to the organisation's number: ask for the CareFlow number (7 digits). */
export function askForCareflowNumber(o: { gatherPath: string; attempt: number }): string {
  const response = new VoiceResponse();
  const gather = response.gather({
    input: ["dtmf"],
    numDigits: 7,
    timeout: 8,
    action: o.gatherPath,
    method: "POST",
  });
  gather.say(
    VOICE,
    o.attempt === 1
      ? "Welcome to CareFlow. Please enter the seven digits of the CareFlow number you are calling."
      : "Please enter the seven digits of the CareFlow number again.",
  );
  response.say(VOICE, "We did not get a number. Goodbye.");
  response.hangup();
  return response.toString();
}

/**
 * Ring a care worker's browsers, then come back to `statusPath` with how it went. The browsers
 * show `caller`: a colleague calling from their registered personal phone by name and CareFlow
 * ID (their number stays private), anyone else by their number.
 */
export function ringUser(o: {
  identity: string;
  /** `from`: what Twilio hands the browsers as `From` (the organisation's number, to mask). */
  caller: { name: string; id: string; from?: string };
  timeout: number;
  statusPath: string;
  /** Set when the callee's setting records their calls: the caller is told first. */
  recordingPath?: string;
}): string {
  const response = new VoiceResponse();
  if (o.recordingPath) response.say(VOICE, "This call is recorded.");
  const dial = response.dial({
    ...(o.caller.from ? { callerId: o.caller.from } : {}),
    timeout: o.timeout,
    action: o.statusPath,
    method: "POST",
    ...recordingAttributes(o.recordingPath),
  });
  const client = dial.client();
  client.identity(o.identity);
  client.parameter({ name: "callerName", value: o.caller.name });
  client.parameter({ name: "callerId", value: o.caller.id });
  return response.toString();
}

/** Nobody answered: the caller may leave a message, taken in at `recordingPath`. */
export function takeMessage(o: { name: string; recordingPath: string; donePath: string }): string {
  const response = new VoiceResponse();
  response.say(VOICE, `${o.name} cannot take your call. Please leave a message after the tone.`);
  response.record({
    maxLength: 120,
    playBeep: true,
    finishOnKey: "#",
    action: o.donePath,
    method: "POST",
    recordingStatusCallback: o.recordingPath,
    recordingStatusCallbackEvent: ["completed"],
  });
  response.say(VOICE, "No message was recorded. Goodbye.");
  response.hangup();
  return response.toString();
}

/** Something said, then the call ends (no such number, nobody to connect to). */
export function sayAndHangUp(text: string): string {
  const response = new VoiceResponse();
  response.say(VOICE, text);
  response.hangup();
  return response.toString();
}

/** Something said, then back to `path` (another try). */
export function sayAndRedirect(text: string, path: string): string {
  const response = new VoiceResponse();
  response.say(VOICE, text);
  response.redirect({ method: "POST" }, path);
  return response.toString();
}

/** The call is over: nothing more to do. */
export function hangUp(): string {
  const response = new VoiceResponse();
  response.hangup();
  return response.toString();
}

/** What the called party hears before a recorded call connects. */
export function announceRecording(): string {
  const response = new VoiceResponse();
  response.say(VOICE, "This call is recorded.");
  return response.toString();
}

/**
 * ESL input for recordings tests: the real events from the FreeSWITCH captures
 * (`../shared/fixtures/freeswitch/esl-plain-*.txt`, read in place, not copied), given the
 * CareFlow channel variables the dialplan sets, and an event source that hands them to the
 * service as the ESL client would (the ESL client itself is another module's, tested on its own).
 */
import { freeswitchFixturesDir } from "../../testing/fixtures-path.ts";
import { readFileSync } from "node:fs";
import { MEDIA_VARIABLES } from "../../../../shared/media-contract.ts";
import type { EslEvent, EslEventSource } from "../../esl/event.ts";

/** The captures folder beside the repository. */
export const FIXTURES = `${freeswitchFixturesDir()}/`;

/** Decoded `text/event-plain` bodies of a capture, in order. */
export function captureEvents(file: string): EslEvent[] {
  const bytes = readFileSync(`${FIXTURES}${file}`);
  const events: EslEvent[] = [];
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf("\n\n", at);
    if (end < 0) break;
    const head = bytes.subarray(at, end).toString("latin1");
    const length = Number(head.match(/^Content-Length: (\d+)$/m)?.[1] ?? 0);
    const body = bytes.subarray(end + 2, end + 2 + length).toString("utf8");
    at = end + 2 + length;
    if (!/^Content-Type: text\/event-plain$/m.test(head)) continue;
    const headers: Record<string, string> = {};
    for (const line of body.split("\n")) {
      if (line === "") break; // an inner body follows; recordings need none
      const colon = line.indexOf(": ");
      if (colon > 0) headers[line.slice(0, colon)] = decodeURIComponent(line.slice(colon + 2));
    }
    events.push({
      name: headers["Event-Name"] ?? "",
      subclass: headers["Event-Subclass"] ?? null,
      headers,
      body: null,
    });
  }
  return events;
}

/** The first event called `name` in `file`. */
export function captureEvent(file: string, name: string): EslEvent {
  const event = captureEvents(file).find((e) => e.name === name);
  if (!event) throw new Error(`no ${name} in ${file}`);
  return event;
}

/** CareFlow variables to put on a captured event. */
export interface CareflowVariables {
  kind: "call" | "voicemail";
  path: string;
  recordFor?: string;
  voicemailFor?: string;
  caller: string;
  callee: string;
}

/**
 * The captured bridge call's RECORD_STOP (or A-leg CHANNEL_HANGUP_COMPLETE), its file path and
 * channel variables set as the CareFlow dialplan sets them.
 */
export function recordingEvent(
  name: "RECORD_STOP" | "CHANNEL_HANGUP_COMPLETE",
  vars: CareflowVariables,
  file = "esl-plain-bridge-two-legs.txt",
): EslEvent {
  const captured = name === "RECORD_STOP"
    ? captureEvent(file, name)
    : captureEvents(file).filter((e) => e.name === name).at(-1)!;
  const headers: Record<string, string> = {
    ...captured.headers,
    [`variable_${MEDIA_VARIABLES.recordingKind}`]: vars.kind,
    [`variable_${MEDIA_VARIABLES.recordingPath}`]: vars.path,
    [`variable_${MEDIA_VARIABLES.caller}`]: vars.caller,
    [`variable_${MEDIA_VARIABLES.callee}`]: vars.callee,
  };
  if (vars.recordFor) headers[`variable_${MEDIA_VARIABLES.recordFor}`] = vars.recordFor;
  if (vars.voicemailFor) headers[`variable_${MEDIA_VARIABLES.voicemailFor}`] = vars.voicemailFor;
  if (name === "RECORD_STOP") headers["Record-File-Path"] = vars.path;
  return { ...captured, headers };
}

/** {@link recordingEvent}'s RECORD_STOP of a call from `caller` to `callee`, for `recordFor`. */
export function callRecordStop(
  path: string,
  recordFor: string,
  caller: string,
  callee: string,
): EslEvent {
  return recordingEvent("RECORD_STOP", { kind: "call", path, recordFor, caller, callee });
}

/** An event source the test drives: `emit` is what the ESL client does on each event. */
export interface TestEventSource extends EslEventSource {
  emit(event: EslEvent): void;
  connected(): void;
  listeners(): number;
}

/** A fresh event source without events. */
export function createTestEventSource(): TestEventSource {
  const events = new Set<(event: EslEvent) => void>();
  const connections = new Set<() => void>();
  return {
    onEvent(listener) {
      events.add(listener);
      return () => events.delete(listener);
    },
    onConnected(listener) {
      connections.add(listener);
      return () => connections.delete(listener);
    },
    emit: (event) => events.forEach((listener) => listener(event)),
    connected: () => connections.forEach((listener) => listener()),
    listeners: () => events.size,
  };
}

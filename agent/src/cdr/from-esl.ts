/**
 * Legs from ESL events. Events of one leg are folded into one set of headers; for each header
 * the value from CHANNEL_HANGUP_COMPLETE wins (it carries the final variables), then the one
 * from the event created last (`Event-Sequence`). The fold is order-independent, so events that
 * arrive inverted, with gaps, or with the B-leg's hangup first give the same legs.
 */
import type { EslEvent } from "../esl/event.ts";
import {
  isLegId,
  LEG_VARIABLES,
  type LegSummary,
  LINK_VARIABLES,
  positiveInt,
  summarizeLeg,
} from "./leg.ts";

/** Event names that describe a call's legs; the rest (CHANNEL_STATE, HEARTBEAT, ...) are not. */
export const CALL_EVENT_NAMES: ReadonlySet<string> = new Set([
  "CHANNEL_CREATE",
  "CHANNEL_ORIGINATE",
  "CHANNEL_ANSWER",
  "CHANNEL_BRIDGE",
  "CHANNEL_UNBRIDGE",
  "CHANNEL_HANGUP_COMPLETE",
  "RECORD_STOP",
]);

// Headers beyond the variables that a summary reads.
const PROFILE_HEADERS = [
  "Caller-Caller-ID-Number",
  "Caller-Destination-Number",
  "Call-Direction",
  "Caller-Channel-Created-Time",
  "Caller-Channel-Answered-Time",
  "Caller-Channel-Hangup-Time",
  "Hangup-Cause",
  "Other-Leg-Unique-ID",
];
const KEPT_HEADERS = new Set([
  ...PROFILE_HEADERS,
  ...LEG_VARIABLES.map((name) => `variable_${name}`),
]);
// Ranks above any Event-Sequence: the hangup's values are the final ones.
const HANGUP_RANK = 2 ** 52;

interface Ranked {
  value: string;
  rank: number;
}

/** What has been seen of one leg so far (small: only the headers a summary reads). */
export interface LegAccumulator {
  uuid: string;
  headers: Map<string, Ranked>;
  recording: Ranked | null;
  voicemail: Ranked | null;
  hungUp: boolean;
}

/** True for events that {@link foldEvent} uses. */
export function isCallEvent(event: EslEvent): boolean {
  if (!isLegId(event.headers["Unique-ID"])) return false;
  if (CALL_EVENT_NAMES.has(event.name)) return true;
  return event.name === "CUSTOM" && event.subclass === "vm::maintenance" &&
    event.headers["VM-Action"] === "leave-message";
}

/** The leg an event is about, or null when it is not a call event. */
export function legOf(event: EslEvent): string | null {
  return isCallEvent(event) ? event.headers["Unique-ID"] : null;
}

/** The legs an event names besides its own (for grouping legs into calls). */
export function linksOf(event: EslEvent): string[] {
  const own = event.headers["Unique-ID"];
  const names = ["Other-Leg-Unique-ID", ...LINK_VARIABLES.map((n) => `variable_${n}`)];
  return names.map((name) => event.headers[name]).filter((id) => isLegId(id) && id !== own);
}

function keep(slot: Ranked | null | undefined, value: string, rank: number): Ranked {
  return !slot || rank >= slot.rank ? { value, rank } : slot;
}

/** Folds one event into `legs` (mutates it; a call event for a new leg adds the leg). */
export function foldEvent(legs: Map<string, LegAccumulator>, event: EslEvent): void {
  const uuid = legOf(event);
  if (!uuid) return;
  let leg = legs.get(uuid);
  if (!leg) {
    leg = { uuid, headers: new Map(), recording: null, voicemail: null, hungUp: false };
    legs.set(uuid, leg);
  }
  const hangup = event.name === "CHANNEL_HANGUP_COMPLETE";
  const rank = (positiveInt(event.headers["Event-Sequence"]) ?? 0) + (hangup ? HANGUP_RANK : 0);
  if (hangup) leg.hungUp = true;
  for (const [key, value] of Object.entries(event.headers)) {
    if (KEPT_HEADERS.has(key)) leg.headers.set(key, keep(leg.headers.get(key), value, rank));
  }
  const path = event.headers["Record-File-Path"];
  if (event.name === "RECORD_STOP" && path) leg.recording = keep(leg.recording, path, rank);
  const message = event.headers["VM-File-Path"];
  if (event.name === "CUSTOM" && message) leg.voicemail = keep(leg.voicemail, message, rank);
}

/** The summary of a folded leg. */
export function summarizeAccumulated(leg: LegAccumulator): LegSummary {
  const header = (name: string) => leg.headers.get(name)?.value;
  return summarizeLeg({
    uuid: leg.uuid,
    variable: (name) => header(`variable_${name}`),
    profile: {
      callerNumber: header("Caller-Caller-ID-Number"),
      destinationNumber: header("Caller-Destination-Number"),
      direction: header("Call-Direction"),
      createdUs: header("Caller-Channel-Created-Time"),
      answeredUs: header("Caller-Channel-Answered-Time"),
      endedUs: header("Caller-Channel-Hangup-Time"),
    },
    hangupCause: header("Hangup-Cause"),
    extraLinks: [header("Other-Leg-Unique-ID")].filter((id): id is string => id !== undefined),
    recordingPath: leg.recording?.value ?? null,
    voicemailPath: leg.voicemail?.value ?? null,
    hungUp: leg.hungUp,
  });
}

/** Every leg the events describe, in order of first appearance. */
export function legsFromEvents(events: Iterable<EslEvent>): LegSummary[] {
  const legs = new Map<string, LegAccumulator>();
  for (const event of events) foldEvent(legs, event);
  return [...legs.values()].map(summarizeAccumulated);
}

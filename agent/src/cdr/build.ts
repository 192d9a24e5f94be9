/**
 * One call record from the legs of one call: who called whom, when it started, was answered and
 * ended, how it ended, how it sounded, and what was recorded. Pure: the same legs give the same
 * record, whichever source they came from and in whatever order.
 */
import type { CallStatus } from "../../../shared/calls.ts";
import type { CallQuality, LegSummary } from "./leg.ts";
import { isCare4wId } from "../../../shared/care4w-id.ts";
import { type PartyReading, readParty } from "./parties.ts";
import { callStatus } from "./status.ts";

/** What a call left behind to be kept: a recording of it, or a voicemail. */
export interface CallRecording {
  kind: "recording" | "voicemail";
  /** The leg that recorded it (ids derive from it). */
  legUuid: string;
  /** The file, when a source said where it is. */
  path: string | null;
  seconds: number | null;
  /** The CareFlow IDs whose setting had the call recorded (`careflow_record_for`); none for a voicemail. */
  recordedFor: string[];
}

/** A finished call as the agent understood it (richer than the event web gets). */
export interface CallRecord {
  /**
   * The A-leg's UUID: the call's id. When the A-leg itself is missing (only a B-leg's CDR file
   * is left), the UUID the B-leg names as its originator, so the id is still the call's.
   */
  rootUuid: string;
  legUuids: string[];
  caller: PartyReading;
  callee: PartyReading;
  status: CallStatus;
  /** The cause that decided the status (the A-leg's when none did). */
  hangupCause: string | null;
  startedUs: number;
  /** When the callee answered; null if nobody did (or the call went to voicemail). */
  answeredUs: number | null;
  endedUs: number;
  /** Whole seconds from answer to end. */
  billsec: number;
  /** The worst of the legs' quality figures, or null without media. */
  quality: CallQuality | null;
  recording: CallRecording | null;
  /** A call handed on (`transfer.ts`): the target it went to, or who handed its caller over. */
  transferredTo?: string;
  transferredBy?: string;
}

function byCreation(a: LegSummary, b: LegSummary): number {
  return (a.createdUs ?? Infinity) - (b.createdUs ?? Infinity) || a.uuid.localeCompare(b.uuid);
}

/**
 * The A-leg: a leg no other leg of the call created; of several (an originated loopback pair),
 * not a loopback `B` side, inbound before outbound, then the earliest.
 */
export function rootLeg(legs: LegSummary[]): LegSummary {
  const ids = new Set(legs.map((leg) => leg.uuid));
  const orphans = legs.filter((leg) => !leg.parent || !ids.has(leg.parent));
  const candidates = orphans.length > 0 ? orphans : legs;
  return [...candidates].sort((a, b) =>
    Number(a.loopback === "B") - Number(b.loopback === "B") ||
    Number(a.direction !== "inbound") - Number(b.direction !== "inbound") ||
    byCreation(a, b)
  )[0];
}

function worstQuality(legs: LegSummary[]): CallQuality | null {
  const measured = legs.map((leg) => leg.quality).filter((q): q is CallQuality => q !== null);
  if (measured.length === 0) return null;
  return {
    mos: Math.min(...measured.map((q) => q.mos)),
    jitterMs: Math.max(...measured.map((q) => q.jitterMs)),
    lossPercent: Math.max(...measured.map((q) => q.lossPercent)),
  };
}

function first<T>(legs: LegSummary[], pick: (leg: LegSummary) => T | null | undefined): T | null {
  for (const leg of legs) {
    const value = pick(leg);
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

/** Builds the record of the call made of `legs` (at least one). */
export function buildCall(legs: LegSummary[]): CallRecord {
  if (legs.length === 0) throw new Error("a call has at least one leg");
  const root = rootLeg(legs);
  // The A-leg first, then the others as they were created: "first leg that says" is stable.
  const ordered = [root, ...legs.filter((leg) => leg !== root).sort(byCreation)];
  const others = ordered.slice(1);

  const voicemailLeg = ordered.find((leg) =>
    leg.voicemailPath !== null || leg.careflow.recordingKind === "voicemail"
  );
  // With B-legs the callee is whoever answered one; without, the switch answered (an IVR, a
  // recorded announcement): that counts, unless all it did was take a message.
  const answers = (others.length > 0 ? others : [root])
    .map((leg) => leg.answeredUs)
    .filter((us): us is number => us !== null);
  const answeredUs = voicemailLeg || answers.length === 0 ? null : Math.min(...answers);
  const { status, cause } = callStatus({
    answered: answeredUs !== null,
    voicemail: voicemailLeg !== undefined,
    rootCause: root.hangupCause,
    otherCauses: others.map((leg) => leg.hangupCause),
  });

  const times = (pick: (leg: LegSummary) => number | null) =>
    ordered.map(pick).filter((us): us is number => us !== null);
  const endedUs = Math.max(...times((leg) => leg.endedUs), ...times((leg) => leg.createdUs), 0);
  const startedUs = root.createdUs ?? Math.min(...times((leg) => leg.createdUs), endedUs);

  const caller = readParty(
    first(ordered, (leg) => leg.careflow.caller),
    root.callerNumber,
  );
  const callee = readParty(
    first(ordered, (leg) => leg.careflow.callee) ??
      (voicemailLeg ? first(ordered, (leg) => leg.careflow.voicemailFor) : null),
    root.destinationNumber,
  );

  const ids = new Set(legs.map((leg) => leg.uuid));
  return {
    rootUuid: root.parent && !ids.has(root.parent) ? root.parent : root.uuid,
    legUuids: ordered.map((leg) => leg.uuid),
    caller,
    callee,
    status,
    hangupCause: cause,
    startedUs,
    answeredUs,
    endedUs,
    billsec: answeredUs === null ? 0 : Math.max(0, Math.floor((endedUs - answeredUs) / 1e6)),
    quality: worstQuality(ordered),
    recording: recordingOf(ordered, voicemailLeg, answeredUs !== null),
  };
}

/**
 * The call's voicemail, or its recording when it was answered and something was kept: a
 * recording of ringing (no answer) has no consent behind it and is not the call's.
 */
function recordingOf(
  legs: LegSummary[],
  voicemailLeg: LegSummary | undefined,
  answered: boolean,
): CallRecording | null {
  if (voicemailLeg) {
    return {
      kind: "voicemail",
      legUuid: voicemailLeg.uuid,
      path: voicemailLeg.voicemailPath ?? voicemailLeg.careflow.recordingPath ?? null,
      seconds: voicemailLeg.recordSeconds,
      recordedFor: [],
    };
  }
  if (!answered) return null;
  const recorded = legs.find((leg) => leg.recordSeconds !== null);
  if (!recorded) return null;
  return {
    kind: "recording",
    legUuid: recorded.uuid,
    path: recorded.recordingPath,
    seconds: recorded.recordSeconds,
    recordedFor: recordedFor(recorded, legs),
  };
}

/** Who the call was recorded for: the recording leg's list, else any leg's (the A-leg sets it). */
function recordedFor(recorded: LegSummary, legs: LegSummary[]): string[] {
  const list = recorded.careflow.recordFor ?? legs.find((leg) => leg.careflow.recordFor)?.careflow
    .recordFor;
  const ids = (list ?? "").split(",").map((entry) => entry.trim().toLowerCase());
  return [...new Set(ids.filter(isCare4wId))];
}

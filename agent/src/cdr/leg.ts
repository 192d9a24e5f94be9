/**
 * One leg (FreeSWITCH channel) of a call, reduced to what a CDR needs. Built from ESL events
 * (`from-esl.ts`) or from a mod_json_cdr file (`from-json-cdr.ts`) by the same reader over the
 * same channel variables, so both sources give the same summary and hence the same CDR event.
 */
import type { AgentEvent } from "../../../shared/events.ts";
import { MEDIA_VARIABLES } from "../../../shared/media-contract.ts";

/** How a call sounded, as the cdr event carries it (MOS, jitter in ms, loss in percent). */
export type CallQuality = NonNullable<Extract<AgentEvent, { type: "cdr" }>["call"]["quality"]>;

/** What a CDR needs from one leg. */
export interface LegSummary {
  uuid: string;
  direction: "inbound" | "outbound" | null;
  /** The leg that created this one (`originating_leg_uuid`, `other_loopback_from_uuid`). */
  parent: string | null;
  /** Every other leg this one names; legs linked this way are one call. */
  links: string[];
  /** `loopback_leg` of a loopback channel (`A` faces the caller, `B` runs the dialplan). */
  loopback: "A" | "B" | null;
  createdUs: number | null;
  answeredUs: number | null;
  endedUs: number | null;
  hangupCause: string | null;
  /** Caller ID number and destination number of the leg's (current) caller profile. */
  callerNumber: string | null;
  destinationNumber: string | null;
  /** The `careflow_*` variables the dialplan set (none in the captures, which predate them). */
  careflow: Partial<Record<keyof typeof MEDIA_VARIABLES, string>>;
  /** RTP quality of what this leg received, or null without media. */
  quality: CallQuality | null;
  /** Seconds recorded on this leg (`record_seconds`), or null when nothing was recorded. */
  recordSeconds: number | null;
  /** The file recorded, when the source says (RECORD_STOP, `careflow_recording_path`, app log). */
  recordingPath: string | null;
  /** The message file when a voicemail was left on this leg. */
  voicemailPath: string | null;
  /** True once the leg's CHANNEL_HANGUP_COMPLETE (or its CDR file) was seen. */
  hungUp: boolean;
  /** How the leg's endpoint left it (`endpoint_disposition`: ANSWER, ATTENDED_TRANSFER, …). */
  disposition: string | null;
  /** The leg it was bridged to last (`bridge_uuid`). */
  bridgedTo: string | null;
}

/** What a source knows about a leg, in source-neutral terms. */
export interface LegReading {
  uuid: string;
  /** A channel variable by its name (`billsec`, not `variable_billsec`). */
  variable(name: string): string | undefined;
  profile: {
    callerNumber?: string;
    destinationNumber?: string;
    direction?: string;
    createdUs?: string;
    answeredUs?: string;
    endedUs?: string;
  };
  /** A hangup cause from outside the variables (ESL's `Hangup-Cause` header). */
  hangupCause?: string;
  extraLinks?: string[];
  recordingPath?: string | null;
  voicemailPath?: string | null;
  hungUp: boolean;
}

/** Channel variables that name related legs. */
export const LINK_VARIABLES: readonly string[] = [
  "originating_leg_uuid",
  "signal_bond",
  "bridge_uuid",
  "other_loopback_leg_uuid",
  "other_loopback_from_uuid",
  "originator",
];

/**
 * Every channel variable the summary reads (ESL events carry them as `variable_<name>`): a source
 * may keep just these.
 */
export const LEG_VARIABLES: readonly string[] = [
  ...LINK_VARIABLES,
  ...Object.values(MEDIA_VARIABLES),
  "direction",
  "loopback_leg",
  "hangup_cause",
  "start_uepoch",
  "answer_uepoch",
  "end_uepoch",
  "record_seconds",
  "voicemail_file_path",
  "endpoint_disposition",
  "rtp_audio_in_packet_count",
  "rtp_audio_in_mos",
  "rtp_audio_in_jitter_max_variance",
  "rtp_audio_in_jitter_loss_rate",
];

const UUID = /^[A-Za-z0-9][A-Za-z0-9-]{7,63}$/;
const CAUSE = /^[A-Z0-9_]{1,64}$/;

/** A FreeSWITCH leg id (a UUID; anything else is not one). */
export function isLegId(value: string | undefined): value is string {
  return value !== undefined && UUID.test(value);
}

/** A positive integer from a decimal string (µs, seconds); 0, junk or absent give null. */
export function positiveInt(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,17}$/.test(value)) return null;
  const number = Number(value);
  return number > 0 && Number.isSafeInteger(number) ? number : null;
}

function decimal(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,9}(\.\d{1,9})?$/.test(value)) return null;
  return Number(value);
}

/** Rounds to `digits` decimals (quality numbers are shown, not computed with). */
function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * The leg's inbound RTP quality, from the variables FreeSWITCH sets at hangup:
 * `rtp_audio_in_mos`; `rtp_audio_in_jitter_max_variance` (ms², the largest running variance of
 * packet inter-arrival times; its square root is a jitter in ms); `rtp_audio_in_jitter_loss_rate`
 * (a fraction, 0..1). Legs that received no packets report a meaningless MOS of 4.5: null.
 */
export function legQuality(variable: (name: string) => string | undefined): CallQuality | null {
  const packets = positiveInt(variable("rtp_audio_in_packet_count"));
  const mos = decimal(variable("rtp_audio_in_mos"));
  if (packets === null || mos === null || mos < 1 || mos > 5) return null;
  const variance = decimal(variable("rtp_audio_in_jitter_max_variance")) ?? 0;
  const loss = decimal(variable("rtp_audio_in_jitter_loss_rate")) ?? 0;
  return {
    mos: round(mos, 2),
    jitterMs: Math.min(60_000, round(Math.sqrt(variance), 1)),
    lossPercent: Math.min(100, round(loss * 100, 2)),
  };
}

function direction(value: string | undefined): LegSummary["direction"] {
  return value === "inbound" || value === "outbound" ? value : null;
}

/** Reads a leg the same way whatever the source. */
export function summarizeLeg(reading: LegReading): LegSummary {
  const v = reading.variable;
  const links = new Set<string>();
  for (const name of LINK_VARIABLES) {
    const value = v(name);
    if (isLegId(value) && value !== reading.uuid) links.add(value);
  }
  for (const value of reading.extraLinks ?? []) {
    if (isLegId(value) && value !== reading.uuid) links.add(value);
  }
  const parent = [v("originating_leg_uuid"), v("other_loopback_from_uuid")]
    .find((value) => isLegId(value) && value !== reading.uuid) ?? null;
  const careflow: LegSummary["careflow"] = {};
  for (const [key, name] of Object.entries(MEDIA_VARIABLES)) {
    const value = v(name)?.trim();
    if (value) careflow[key as keyof typeof MEDIA_VARIABLES] = value.slice(0, 512);
  }
  const cause = v("hangup_cause") ?? reading.hangupCause;
  const loopback = v("loopback_leg");
  const recordSeconds = positiveInt(v("record_seconds"));
  return {
    uuid: reading.uuid,
    direction: direction(v("direction") ?? reading.profile.direction),
    parent,
    links: [...links].sort(),
    loopback: loopback === "A" || loopback === "B" ? loopback : null,
    createdUs: positiveInt(v("start_uepoch")) ?? positiveInt(reading.profile.createdUs),
    answeredUs: positiveInt(v("answer_uepoch")) ?? positiveInt(reading.profile.answeredUs),
    endedUs: positiveInt(v("end_uepoch")) ?? positiveInt(reading.profile.endedUs),
    hangupCause: cause && CAUSE.test(cause) ? cause : null,
    callerNumber: reading.profile.callerNumber?.trim() || null,
    destinationNumber: reading.profile.destinationNumber?.trim() || null,
    careflow,
    quality: legQuality(v),
    recordSeconds,
    recordingPath: careflow.recordingPath ?? reading.recordingPath ?? null,
    voicemailPath: v("voicemail_file_path") ?? reading.voicemailPath ?? null,
    hungUp: reading.hungUp,
    disposition: v("endpoint_disposition")?.trim().slice(0, 64) || null,
    bridgedTo: isLegId(v("bridge_uuid")) && v("bridge_uuid") !== reading.uuid
      ? v("bridge_uuid")!
      : null,
  };
}

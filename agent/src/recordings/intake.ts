/**
 * What an ESL event (or a mod_json_cdr file's variables) says about a recording, read with the
 * channel variables of `shared/media-contract.ts`. Pure functions: whether the file is really
 * there and really a WAV is the spool's business.
 */
import { isCare4wId } from "../../../shared/care4w-id.ts";
import type { CallParty } from "../../../shared/events.ts";
import { MEDIA_VARIABLES } from "../../../shared/media-contract.ts";
import { isE164 } from "../../../shared/phone.ts";
import type { EslEvent } from "../esl/event.ts";

/** A recording FreeSWITCH finished (or is finishing), as the job queue takes it. */
export interface RecordingNotice {
  /** The WAV's absolute path as FreeSWITCH named it (not yet checked). */
  path: string;
  kind: "call" | "voicemail";
  owners: string[];
  caller: CallParty;
  callee: CallParty;
  callId: string | null;
  endedAt: Date;
  /** True when FreeSWITCH said it closed the file (RECORD_STOP). */
  stopped: boolean;
  /** Entries of the owner list that were not CareFlow IDs (left out; the caller warns). */
  badOwners: number;
}

/** Why a notice could not be made; a metric label. */
export type NoticeRefusal = "no_path" | "no_owner" | "caller" | "callee" | "kind";

/** The outcome of reading one event. */
export type NoticeResult =
  | { ok: true; notice: RecordingNotice }
  | { ok: false; ignored: true }
  | { ok: false; ignored: false; reason: NoticeRefusal };

const CALL_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
const IGNORED = { ok: false, ignored: true } as const;

/** A party as the dialplan names it: a CareFlow ID, or an E.164 number; null for anything else. */
export function parseParty(value: string | undefined): CallParty | null {
  const text = value?.trim() ?? "";
  if (isCare4wId(text)) return text;
  if (isE164(text)) return { phone: text };
  return null;
}

/** Distinct CareFlow IDs of a comma-separated list, and how many entries were not one. */
export function parseOwners(value: string | undefined): { owners: string[]; bad: number } {
  const entries = (value ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
  const owners = [...new Set(entries.filter(isCare4wId))];
  return { owners, bad: entries.filter((entry) => !isCare4wId(entry)).length };
}

/** The call a recording belongs to: the A-leg's UUID (a B-leg names it as its originator). */
export function defaultCallId(headers: Readonly<Record<string, string>>): string | null {
  const id = headers["variable_originating_leg_uuid"] ?? headers["Unique-ID"] ?? "";
  return CALL_ID.test(id) ? id : null;
}

/** `Event-Date-Timestamp` (microseconds) as a date, or null. */
function eventTime(headers: Readonly<Record<string, string>>): Date | null {
  const micros = Number(headers["Event-Date-Timestamp"]);
  return Number.isFinite(micros) && micros > 0 ? new Date(Math.floor(micros / 1000)) : null;
}

/** Context a notice needs beyond the channel variables. */
export interface NoticeContext {
  path: string | undefined;
  stopped: boolean;
  callId: string | null;
  endedAt: Date;
}

/**
 * A notice from channel variables by their plain names (`careflow_recording`, ...), as
 * mod_json_cdr files carry them: the CDR reconciler hands recordings of calls that ended while
 * the agent was away through this.
 */
export function noticeFromVariables(
  variable: (name: string) => string | undefined,
  context: NoticeContext,
): NoticeResult {
  const kind = variable(MEDIA_VARIABLES.recordingKind)?.trim();
  if (kind === undefined || kind === "") return IGNORED;
  if (kind !== "call" && kind !== "voicemail") return { ok: false, ignored: false, reason: "kind" };
  const path = context.path?.trim();
  if (!path) return { ok: false, ignored: false, reason: "no_path" };
  const list = kind === "voicemail"
    ? variable(MEDIA_VARIABLES.voicemailFor)
    : variable(MEDIA_VARIABLES.recordFor);
  const { owners, bad } = parseOwners(list);
  if (owners.length === 0) return { ok: false, ignored: false, reason: "no_owner" };
  const caller = parseParty(variable(MEDIA_VARIABLES.caller));
  if (!caller) return { ok: false, ignored: false, reason: "caller" };
  // A voicemail is for its owner even when the dialplan did not name the callee.
  const callee = parseParty(variable(MEDIA_VARIABLES.callee)) ??
    (kind === "voicemail" ? owners[0] : null);
  if (!callee) return { ok: false, ignored: false, reason: "callee" };
  return {
    ok: true,
    notice: {
      path,
      kind,
      owners,
      caller,
      callee,
      callId: context.callId,
      endedAt: context.endedAt,
      stopped: context.stopped,
      badOwners: bad,
    },
  };
}

/** A channel's `careflow_*` variables by their keys in `MEDIA_VARIABLES` (the CDR folder's). */
export type CareflowVariables = Partial<Record<keyof typeof MEDIA_VARIABLES, string>>;

/** A notice from variables read by key (a leg from the CDR folder). */
export function noticeFromCareflow(
  careflow: CareflowVariables,
  context: NoticeContext,
): NoticeResult {
  const byName = new Map<string, string | undefined>(
    Object.entries(MEDIA_VARIABLES).map(([key, name]) => [
      name,
      careflow[key as keyof typeof MEDIA_VARIABLES],
    ]),
  );
  return noticeFromVariables((name) => byName.get(name), context);
}

/**
 * A notice from a `RECORD_STOP` (path in `Record-File-Path`, file closed) or a
 * `CHANNEL_HANGUP_COMPLETE` (path in `careflow_recording_path`; on a B-leg the A-leg may still be
 * writing). Other events, and channels without `careflow_recording`, are ignored.
 */
export function noticeFromEvent(
  event: EslEvent,
  callIdOf: (headers: Readonly<Record<string, string>>) => string | null = defaultCallId,
  now: () => Date = () => new Date(),
): NoticeResult {
  const { headers } = event;
  const stopped = event.name === "RECORD_STOP";
  if (!stopped && event.name !== "CHANNEL_HANGUP_COMPLETE") return IGNORED;
  const variable = (name: string) => headers[`variable_${name}`];
  const named = variable(MEDIA_VARIABLES.recordingPath);
  // Another file recorded on the same channel (a greeting, a prompt) is not the recording.
  if (stopped && named && named !== headers["Record-File-Path"]) return IGNORED;
  return noticeFromVariables(variable, {
    path: stopped ? headers["Record-File-Path"] : named,
    stopped,
    callId: callIdOf(headers),
    endedAt: eventTime(headers) ?? now(),
  });
}

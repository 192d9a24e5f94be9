/**
 * A leg from one mod_json_cdr file (`<uuid>.cdr.json`, written at the leg's hangup). The file is
 * outside input: it is validated, and a file that does not fit gives an error, never a throw.
 * Values must be written raw (`encode-values=false` in json_cdr.conf, as in the captures and in
 * `pbx/freeswitch`); URL-encoded values would not match what ESL gives.
 */
import { z } from "zod";
import { isLegId, type LegSummary, summarizeLeg } from "./leg.ts";

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const profileSchema = z.object({
  caller_id_number: z.string().optional(),
  destination_number: z.string().optional(),
  uuid: z.string().optional(),
});

const callflowSchema = z.object({
  caller_profile: profileSchema,
  times: z.record(z.string(), scalar).optional(),
});

/** The parts of a mod_json_cdr file the agent reads; anything else in it is ignored. */
export const jsonCdrSchema = z.object({
  channel_data: z.object({ direction: z.string().optional() }).optional(),
  variables: z.record(z.string(), z.unknown()),
  // Current caller profile first (FreeSWITCH writes the newest first); one object in old versions.
  callflow: z.union([z.array(callflowSchema).min(1), callflowSchema]),
  app_log: z.object({
    applications: z.array(z.object({ app_name: z.string(), app_data: z.string().optional() })),
  }).nullish(),
});
export type JsonCdr = z.infer<typeof jsonCdrSchema>;

/** A leg, or why the file is not one. */
export type JsonCdrLeg = { ok: true; leg: LegSummary } | { ok: false; error: string };

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** Reads a parsed JSON CDR document. */
export function legFromJsonCdr(document: unknown): JsonCdrLeg {
  const parsed = jsonCdrSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue.path.join(".") || "file"}: ${issue.message}` };
  }
  const cdr = parsed.data;
  const variables = cdr.variables;
  const uuid = text(variables.uuid);
  if (!isLegId(uuid)) return { ok: false, error: "variables.uuid: missing or not a leg id" };
  const flow = Array.isArray(cdr.callflow) ? cdr.callflow[0] : cdr.callflow;
  const times = flow.times ?? {};
  // Without RECORD_STOP, the recorded file is what record_session was given (the app log has
  // it expanded), unless the dialplan named it in careflow_recording_path (summarizeLeg).
  const recorded = cdr.app_log?.applications.filter((app) => app.app_name === "record_session")
    .at(-1);
  const leg = summarizeLeg({
    uuid,
    variable: (name) => text(variables[name]),
    profile: {
      callerNumber: flow.caller_profile.caller_id_number,
      destinationNumber: flow.caller_profile.destination_number,
      direction: cdr.channel_data?.direction,
      createdUs: text(times.created_time),
      answeredUs: text(times.answered_time),
      endedUs: text(times.hangup_time),
    },
    recordingPath: recorded?.app_data?.split(" ")[0] || null,
    hungUp: true,
  });
  return { ok: true, leg };
}

/** Reads the text of a `.cdr.json` file. */
export function legFromJsonCdrText(content: string): JsonCdrLeg {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch {
    return { ok: false, error: "not JSON" };
  }
  return legFromJsonCdr(document);
}

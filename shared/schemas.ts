/**
 * Zod schemas of the domain words (`calls.ts`, `care4w-id.ts`), used by every schema that crosses
 * a process boundary (API bodies, signaling frames, the agent's contracts).
 */
import { z } from "zod";
import { CALL_DIRECTIONS, CALL_MODES, CALL_STATUSES, type CallQuality } from "./calls.ts";
import { CARE4W_ID_PATTERN } from "./care4w-id.ts";
import { E164_PATTERN } from "./phone.ts";

/** A canonical CareFlow ID (`care4w-NNNNNNN`). */
export const care4wIdSchema = z.string().regex(CARE4W_ID_PATTERN, "must look like care4w-1000001");

/** A canonical E.164 phone number (`+447700900123`). */
export const e164Schema = z.string().regex(
  E164_PATTERN,
  "must be an E.164 number like +447700900123",
);

export const callModeSchema = z.enum(CALL_MODES);
export const callStatusSchema = z.enum(CALL_STATUSES);
export const callDirectionSchema = z.enum(CALL_DIRECTIONS);

/** Shown names of other people: bounded, as they reach every party's screen. */
export const partySchema = z.object({
  care4wId: care4wIdSchema,
  displayName: z.string().max(200),
});

/** A party of a record (history, recordings): a CareFlow user, or an outside phone. */
export const recordPartySchema = z.object({
  care4wId: care4wIdSchema.nullable(),
  phone: e164Schema.nullable(),
  displayName: z.string().max(200),
});

/**
 * How a call sounded, from RTP statistics (FreeSWITCH's per-leg MOS, jitter and loss at hangup;
 * a browser's `getStats()`).
 */
export const callQualitySchema = z.object({
  /** Mean opinion score, 1 (bad) to 5 (excellent). */
  mos: z.number().min(1).max(5),
  jitterMs: z.number().min(0).max(60_000),
  lossPercent: z.number().min(0).max(100),
}).strict() satisfies z.ZodType<CallQuality>;

export const iceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

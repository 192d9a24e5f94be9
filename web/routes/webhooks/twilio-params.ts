/** What Twilio's webhooks carry, validated: form parameters and the query of our own URLs. */
import { z } from "zod";
import { care4wIdSchema } from "../../../shared/schemas.ts";
import { DIAL_STATUSES } from "../../twilio/calls.ts";

export const BASE = "/api/webhooks/twilio";
export const MAX_ATTEMPTS = 3;
export const callSid = z.string().regex(/^CA[0-9a-f]{32}$/);
export const VoiceParams = z.object({
  AccountSid: z.string().max(64),
  ApplicationSid: z.string().max(64).optional(),
  Caller: z.string().max(200).optional(),
  CallSid: callSid,
  From: z.string().max(200),
  To: z.string().max(200),
});
export const GatherParams = z.object({
  CallSid: callSid,
  Digits: z.string().regex(/^\d{1,12}$/).optional(),
});
export const StatusParams = z.object({
  CallSid: callSid,
  DialCallStatus: z.enum(Object.keys(DIAL_STATUSES) as [keyof typeof DIAL_STATUSES]),
  DialCallDuration: z.coerce.number().int().min(0).max(86_400).default(0),
});
export const RecordingParams = z.object({
  CallSid: callSid,
  RecordingSid: z.string().regex(/^RE[0-9a-f]{32}$/),
  RecordingUrl: z.string().max(500),
  RecordingStatus: z.string().max(32),
  RecordingDuration: z.coerce.number().min(0).max(86_400).default(0),
});
export const StatusQuery = z.object({
  direction: z.enum(["outbound", "inbound"]),
  user: care4wIdSchema,
  phone: z.string().max(32),
});

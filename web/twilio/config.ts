/**
 * The Twilio part of web's configuration. Twilio is available when all six of its variables are
 * set (a partial set stops start-up naming what is missing); it then carries calls to and from
 * phone numbers, while CareFlow IDs keep the deployment's browser engine (webrtc or sip).
 */
import { z } from "zod";
import { countryCodeOf } from "../../shared/phone.ts";
import { e164Schema } from "../../shared/schemas.ts";

const sid = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}[0-9a-f]{32}$`), `must be a ${prefix}… SID`);

/** The variables, merged into web's one schema. */
export const twilioEnv = {
  TWILIO_ACCOUNT_SID: sid("AC").optional(),
  TWILIO_AUTH_TOKEN: z.string().regex(/^[0-9a-f]{32}$/, "must be a 32-character auth token")
    .optional(),
  TWILIO_API_KEY: sid("SK").optional(),
  TWILIO_API_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  TWILIO_TWIML_APP_SID: sid("AP").optional(),
  TWILIO_PHONE_NUMBER: e164Schema.optional(),
  /** Seconds a care worker's browsers ring for a call in from the Twilio number. */
  TWILIO_RING_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(120).default(25),
  /** Delete a recording at Twilio once it is stored here (patient talk must not linger there). */
  TWILIO_DELETE_RECORDINGS: z.enum(["true", "false"]).default("true")
    .transform((value) => value === "true"),
  /**
   * Where calls out may go (toll-fraud guard beside Twilio's Geo Permissions): E.164 prefixes,
   * comma-separated (`+44,+353`). Default: the country of `TWILIO_PHONE_NUMBER` only.
   */
  OUTSIDE_CALL_PREFIXES: z.string().regex(
    /^\+\d{1,14}(,\+\d{1,14})*$/,
    "must be E.164 prefixes separated by commas, e.g. +44,+353",
  ).optional(),
};

/** The names that must come together. */
export const TWILIO_REQUIRED = [
  "TWILIO_ACCOUNT_SID",
  "TWILIO_AUTH_TOKEN",
  "TWILIO_API_KEY",
  "TWILIO_API_SECRET",
  "TWILIO_TWIML_APP_SID",
  "TWILIO_PHONE_NUMBER",
] as const;

const twilioSchema = z.object(twilioEnv);
type Env = z.output<typeof twilioSchema>;

/** Twilio's account, keys and number; present only when all of them are set. */
export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  apiKey: string;
  apiSecret: string;
  twimlAppSid: string;
  /** The organisation's number: what outside phones see, and what they call. */
  phoneNumber: string;
  ringTimeoutSeconds: number;
  deleteRecordings: boolean;
  /** E.164 prefixes calls out may go to. */
  allowedPrefixes: string[];
}

/** All six or none; webhooks need the public URL Twilio signs. */
export function twilioIssues(env: Record<string, string>): string[] {
  const set = TWILIO_REQUIRED.filter((name) => env[name] !== undefined);
  if (set.length === 0) return [];
  const issues = TWILIO_REQUIRED.filter((name) => env[name] === undefined).map((name) =>
    `${name}: is required when Twilio is configured (${set.join(", ")} set)`
  );
  if (!env.PUBLIC_URL) {
    issues.push("PUBLIC_URL: is required with Twilio (webhook signatures cover the public URL)");
  }
  return issues;
}

/** The Twilio configuration from the validated variables, or undefined without Twilio. */
export function twilioConfig(e: Env): TwilioConfig | undefined {
  if (!e.TWILIO_ACCOUNT_SID) return undefined;
  return {
    accountSid: e.TWILIO_ACCOUNT_SID,
    authToken: e.TWILIO_AUTH_TOKEN!,
    apiKey: e.TWILIO_API_KEY!,
    apiSecret: e.TWILIO_API_SECRET!,
    twimlAppSid: e.TWILIO_TWIML_APP_SID!,
    phoneNumber: e.TWILIO_PHONE_NUMBER!,
    ringTimeoutSeconds: e.TWILIO_RING_TIMEOUT_SECONDS,
    deleteRecordings: e.TWILIO_DELETE_RECORDINGS,
    allowedPrefixes: e.OUTSIDE_CALL_PREFIXES?.split(",") ??
      [countryCodeOf(e.TWILIO_PHONE_NUMBER!)],
  };
}

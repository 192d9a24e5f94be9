import { z } from "zod";
import { normalizePhoneNumber } from "./phone.ts";
import { PRESENCE } from "./presence.ts";
import {
  ACCESS_ACTIONS,
  RECORDING_FORMATS,
  RECORDING_STATUSES,
  RECORDING_TYPES,
} from "./recordings.ts";
import {
  callDirectionSchema,
  callModeSchema,
  callQualitySchema,
  callStatusSchema,
  care4wIdSchema,
  iceServerSchema,
  partySchema,
  recordPartySchema,
} from "./schemas.ts";

/**
 * Shown names: 1-80 characters, no control characters, no lone surrogate halves, and none of the
 * bidirectional embedding, override or isolate marks that make a name display as another.
 */
export const DisplayName = z.string().trim().min(1, "is required").max(
  80,
  "is at most 80 characters",
)
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters")
  .refine((name) => name.isWellFormed(), "must not contain broken characters")
  .refine(
    (name) => !/[\u202A-\u202E\u2066-\u2069]/.test(name),
    "must not contain text-direction override characters",
  );

export const Email = z.string().trim().max(254).pipe(z.email("must be an email address"));

/** Local account passwords: at least 10 characters; the upper bound keeps hashing cheap to refuse. */
export const Password = z.string().min(10, "must be at least 10 characters")
  .max(512, "is at most 512 characters");

export const SignupBody = z.object({
  email: Email,
  password: Password,
  displayName: DisplayName,
  /**
   * The code of an admin's invitation link (`/signup?invite=`: 32 random bytes, base64url),
   * required when sign-up is by invitation (`SIGNUP=invite`). Any base64url string up to 128
   * characters passes here, so a clipped link gets the same refusal as an unknown one.
   */
  invite: z.string().max(128, "is at most 128 characters")
    .regex(/^[A-Za-z0-9_-]*$/, "must be the code from an invitation link").optional(),
}).strict();
export const LoginBody = z.object({
  email: Email,
  password: z.string().min(1, "is required").max(512),
}).strict();
export const FirebaseLoginBody = z.object({ idToken: z.string().min(20).max(8192) }).strict();

/** `PATCH /api/account`: the user's own shown name. */
export const AccountPatch = z.object({ displayName: DisplayName }).strict();
/** `POST /api/account/password`: the current password proves the owner is at the keyboard. */
export const PasswordChangeBody = z.object({
  currentPassword: z.string().min(1, "is required").max(512),
  newPassword: Password,
}).strict();
/**
 * `POST /api/auth/password-reset`: the code of an admin's reset link (`/reset-password?token=`:
 * 32 random bytes, base64url) and the new password. Any string up to 256 characters passes as
 * the token, so a clipped or made-up one gets the same refusal as a used one.
 */
export const PasswordResetBody = z.object({
  token: z.string().max(256, "is at most 256 characters"),
  newPassword: Password,
}).strict();

export const LookupQuery = z.object({ care4wId: care4wIdSchema });

/** The public view of a user, as the API returns it. */
export const UserView = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  care4wId: z.string(),
  role: z.enum(["user", "admin"]),
});
export type UserView = z.infer<typeof UserView>;

export const LookupResponse = z.union([
  z.object({
    exists: z.literal(true),
    displayName: z.string(),
    /** Whether they have CareFlow open now; absent when they hide it (privacy setting). */
    online: z.boolean().optional(),
    /** Available, on a call, away, do not disturb or offline; absent when they hide it. */
    presence: z.enum(PRESENCE).optional(),
  }),
  z.object({ exists: z.literal(false) }),
]);
export type LookupResponse = z.infer<typeof LookupResponse>;

/**
 * Short-lived browser credentials for Kamailio (sip mode). `username` is the digest username
 * `<expiry>:<care4wId>`; the SIP URI is `sip:<care4wId>@<domain>`. `expiresAt` is unix seconds.
 */
export const SipBrowserCredentials = z.object({
  wsUrl: z.string(),
  domain: z.string(),
  username: z.string(),
  password: z.string(),
  expiresAt: z.number().int(),
});

/** `GET /api/token`: the seed's `{token, mode, care4wId}`, extended (`sip` only in sip mode). */
export const TokenResponse = z.object({
  token: z.string().nullable(),
  mode: callModeSchema,
  care4wId: z.string(),
  sip: SipBrowserCredentials.optional(),
  iceServers: z.array(iceServerSchema),
  /** How long an unanswered call rings before it is missed, on every call path. */
  ringTimeoutSeconds: z.number().positive(),
  /** The user's setting: record every call (the other party is told and may refuse). */
  recordCalls: z.boolean(),
  /** With Twilio configured: the Voice SDK token for calls to and from phone numbers. */
  twilio: z.object({
    token: z.string(),
    identity: z.string(),
    expiresAt: z.string(),
    /** E.164 prefixes calls out may go to (the organisation's toll-fraud guard). */
    allowedPrefixes: z.array(z.string()),
  }).optional(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** Whether `YYYY-MM-DD` names a day the calendar has (Date would roll 02-30 into March). */
function isCalendarDay(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day;
}

const dateBound = z.string().trim().regex(
  /^\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?)?$/,
  "must be a date like 2026-11-21 or an ISO date-time",
).refine(isCalendarDay, "is not a real date").transform((text) =>
  new Date(text.length === 10 ? `${text}T00:00:00Z` : text)
).refine((date) => !Number.isNaN(date.getTime()), "is not a real date");

/** `GET /api/calls/history` query: paging, filters, newest first. */
export const HistoryQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100, "is at most 100").default(20),
  direction: callDirectionSchema.optional(),
  status: callStatusSchema.optional(),
  from: dateBound.optional(),
  /** A date alone includes that whole day. */
  to: dateBound.optional(),
  q: z.string().trim().min(1).max(100).optional(),
}).strict();

/** One call as its party sees it. */
export const CallView = z.object({
  id: z.string(),
  status: callStatusSchema,
  direction: callDirectionSchema,
  mode: callModeSchema,
  /** Whole seconds of conversation. */
  duration: z.number().int().min(0),
  otherParty: recordPartySchema,
  startedAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string(),
  /** The CareFlow ID of the party who recorded the call; null when nobody did. */
  recordedBy: z.string().nullable(),
  /** How the call sounded (the worse side), when it was measured. */
  quality: callQualitySchema.nullable(),
  /** The colleague who handed the caller over to the callee (the call came from a transfer). */
  transferredBy: partySchema.nullable(),
  /** The colleague a party handed the other one to, leaving the call. */
  transferredTo: partySchema.nullable(),
});
export type CallView = z.infer<typeof CallView>;

/** `GET /api/calls/history`: one page of the user's calls, newest first. */
export const HistoryPage = z.object({
  calls: z.array(CallView),
  pagination: z.object({
    page: z.number().int().min(1),
    limit: z.number().int().min(1),
    total: z.number().int().min(0),
    totalPages: z.number().int().min(0),
  }),
});
export type HistoryPage = z.infer<typeof HistoryPage>;

/** `POST /api/sip/credentials`: the new SIP phone password, shown once. */
export const SipPhoneCredentials = z.object({
  username: z.string(),
  password: z.string(),
  domain: z.string(),
  proxy: z.string(),
});
export type SipPhoneCredentials = z.infer<typeof SipPhoneCredentials>;

/** `GET /api/sip/credentials`: the SIP phone settings, never the password. */
export const SipPhoneSettings = z.object({
  username: z.string(),
  domain: z.string(),
  proxy: z.string(),
  hasPassword: z.boolean(),
  rotatedAt: z.string().nullable(),
  /** Whether one of the user's SIP devices is registered now; null before any was. */
  phone: z.object({ online: z.boolean(), since: z.string() }).nullable(),
});
export type SipPhoneSettings = z.infer<typeof SipPhoneSettings>;

/** One recording or voicemail as its owner sees it. */
export const RecordingView = z.object({
  id: z.string(),
  type: z.enum(RECORDING_TYPES),
  status: z.enum(RECORDING_STATUSES),
  direction: callDirectionSchema,
  callMode: callModeSchema,
  callId: z.string().nullable(),
  otherParty: recordPartySchema,
  /** The CareFlow ID of whoever started recording the call. */
  recordedBy: z.string().nullable(),
  /** Whole seconds. */
  duration: z.number().int().min(0),
  fileSize: z.number().int().min(0),
  format: z.enum(RECORDING_FORMATS),
  recordedAt: z.string(),
  isListened: z.boolean(),
  transcription: z.string(),
  notes: z.string(),
  tags: z.array(z.string()),
});
export type RecordingView = z.infer<typeof RecordingView>;

/** `GET /api/recordings`: one page of the owner's recordings. */
export const RecordingsPage = z.object({
  recordings: z.array(RecordingView),
  pagination: HistoryPage.shape.pagination,
  /** Unread voicemail, for the badge. */
  unlistenedVoicemail: z.number().int().min(0),
});
export type RecordingsPage = z.infer<typeof RecordingsPage>;

/** `GET /api/recordings` query. */
export const RecordingsQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100, "is at most 100").default(20),
  type: z.enum(RECORDING_TYPES).optional(),
  direction: callDirectionSchema.optional(),
  status: z.enum(RECORDING_STATUSES).optional(),
  from: dateBound.optional(),
  to: dateBound.optional(),
  q: z.string().trim().min(1).max(100).optional(),
  sort: z.enum(["newest", "oldest", "unlistened"]).default("newest"),
}).strict();

/** `PATCH /api/recordings/:id`: what the owner may change. */
export const RecordingPatchBody = z.object({
  notes: z.string().max(2000).optional(),
  tags: z.array(z.string().trim().min(1).max(40).regex(/^[^\p{Cc}]*$/u)).max(20).optional(),
  isListened: z.boolean().optional(),
  archived: z.boolean().optional(),
}).strict().refine((body) => Object.keys(body).length > 0, "says nothing to change");

/** `POST /api/recordings`: start recording a call in progress. */
export const StartRecordingBody = z.object({ callId: z.uuid() }).strict();

/** One entry of a recording's access trail, as shown to its owner or an admin. */
export const TrailEntryView = z.object({
  seq: z.number().int(),
  at: z.string(),
  action: z.enum(ACCESS_ACTIONS),
  /** The CareFlow ID of who acted; null for the retention sweeper. */
  actor: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type TrailEntryView = z.infer<typeof TrailEntryView>;

/** `GET/PATCH /api/me/settings`: what a user decides about their own calls. */
export const UserSettings = z.object({
  /** Record every call (both parties are told; the other may refuse). */
  recordCalls: z.boolean(),
  /** Days recordings are kept before they are purged, within the organisation's bounds. */
  retentionDays: z.number().int(),
  hasGreeting: z.boolean(),
  /** The user's own phone (E.164): calls in from it show their name. */
  personalPhone: z.string().nullable(),
  /** The organisation's bounds of `retentionDays`. */
  retentionBounds: z.object({ minDays: z.number().int(), maxDays: z.number().int() }),
});
export type UserSettings = z.infer<typeof UserSettings>;

/** A phone number as typed (`+44 7700 900123`, `0044…`), to its E.164 form. */
export const PhoneNumberInput = z.string().max(32).transform((value, ctx) => {
  const e164 = normalizePhoneNumber(value);
  if (e164) return e164;
  ctx.addIssue({
    code: "custom",
    message: "must be a phone number in international format, e.g. +44 7700 900123",
  });
  return z.NEVER;
});

export const UserSettingsPatch = z.object({
  recordCalls: z.boolean().optional(),
  retentionDays: z.number().int().min(0).max(36_500).optional(),
  /** null removes it. */
  personalPhone: PhoneNumberInput.nullable().optional(),
}).strict().refine((body) => Object.keys(body).length > 0, "says nothing to change");

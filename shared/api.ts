import { z } from "zod";
import {
  callDirectionSchema,
  callModeSchema,
  callStatusSchema,
  care4wIdSchema,
  iceServerSchema,
  partySchema,
} from "./schemas.ts";

/** Shown names: 1-80 visible characters, no control characters. */
export const DisplayName = z.string().trim().min(1, "is required").max(
  80,
  "is at most 80 characters",
)
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters");

export const Email = z.string().trim().max(254).pipe(z.email("must be an email address"));

/** Local account passwords: at least 10 characters; the upper bound keeps hashing cheap to refuse. */
export const Password = z.string().min(10, "must be at least 10 characters")
  .max(512, "is at most 512 characters");

export const SignupBody = z.object({ email: Email, password: Password, displayName: DisplayName })
  .strict();
export const LoginBody = z.object({
  email: Email,
  password: z.string().min(1, "is required").max(512),
}).strict();
export const FirebaseLoginBody = z.object({ idToken: z.string().min(20).max(8192) }).strict();

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
  z.object({ exists: z.literal(true), displayName: z.string() }),
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
});
export type TokenResponse = z.infer<typeof TokenResponse>;

const dateBound = z.string().trim().regex(
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/,
  "must be a date like 2026-11-21 or an ISO date-time",
).transform((text) => new Date(text.length === 10 ? `${text}T00:00:00Z` : text)).refine(
  (date) => !Number.isNaN(date.getTime()),
  "is not a real date",
);

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
  otherParty: partySchema,
  startedAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string(),
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
});
export type SipPhoneSettings = z.infer<typeof SipPhoneSettings>;

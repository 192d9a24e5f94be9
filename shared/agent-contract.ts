/**
 * Every HTTP contract of the agent, as zod schemas used on both sides: Kamailio → agent lookups,
 * web → agent provisioning, agent → web cache-miss fetches. Runs in Deno (import map) and Bun
 * (node_modules).
 */
import { z } from "zod";
import { care4wIdSchema, e164Schema } from "./schemas.ts";

/** Hex MD5 digest `md5(username:realm:password)`, lower case. */
export const ha1Schema = z.string().regex(/^[0-9a-f]{32}$/, "HA1 must be 32 lower-case hex digits");

// Kamailio passes whatever a SIP client sent: bound the size, allow only visible ASCII, and let
// the agent answer 404 for anything that is merely unknown.
const sipToken = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, "visible ASCII only");

/** Query of `GET /kamailio/auth?user=&realm=`. */
export const kamailioAuthQuerySchema = z.object({ user: sipToken, realm: sipToken });
export type KamailioAuthQuery = z.infer<typeof kamailioAuthQuerySchema>;

/** Body of a `200` from `GET /kamailio/auth` (404 has no body Kamailio reads). */
export const kamailioAuthResponseSchema = z.object({ ha1: ha1Schema });
export type KamailioAuthResponse = z.infer<typeof kamailioAuthResponseSchema>;

/** Query of `GET /kamailio/route?to=`: the dialled user part. */
export const kamailioRouteQuerySchema = z.object({ to: sipToken });
export type KamailioRouteQuery = z.infer<typeof kamailioRouteQuerySchema>;

/** `GET /kamailio/ha1s?page=N`: one page of the long-lived HA1s a starting Kamailio caches. */
export const kamailioHa1PageQuerySchema = z.object({
  page: z.coerce.number().int().min(0).max(100_000),
});

/** Body of a `200` from `GET /kamailio/route`: the SIP user to look up in the location table. */
export const kamailioRouteResponseSchema = z.object({ user: care4wIdSchema });
export type KamailioRouteResponse = z.infer<typeof kamailioRouteResponseSchema>;

/**
 * What a call through Kamailio needs to know about a user, besides credentials: the CareFlow
 * display name (asserted to the callee and FreeSWITCH instead of whatever a device puts in From),
 * whether their "record my calls" setting is on, and their own E.164 number for PSTN calls (none
 * yet in web: the organisation's number is used). Every push carries the whole state: the agent
 * replaces the entry, so an absent field reads as "no name", "not recording", "no number".
 */
const callProfileFields = {
  displayName: z.string().max(200).optional(),
  recordCalls: z.boolean().optional(),
  e164: e164Schema.optional(),
  /**
   * The version of the user's voicemail greeting (absent: none). The agent fetches a new one
   * from `GET {WEB_URL}/internal/greetings/:care4wId` for FreeSWITCH to play to SIP callers.
   */
  greeting: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  /**
   * The user's privacy settings that decide who may ring them over SIP, each sent only when it
   * differs from the default (absent: the default, so an older web's push means "nothing
   * refused"). `doNotDisturb` (`presence.doNotDisturb`): every SIP call to them is answered busy.
   * `allowDirectCalls` false (`privacy.allowDirectCalls`): calls from other CareFlow users are
   * answered unavailable. `blockAnonymousCalls` (`privacy.blockAnonymousCalls`): calls in from
   * outside phones that withhold their number are refused (RFC 5079).
   */
  doNotDisturb: z.boolean().optional(),
  allowDirectCalls: z.boolean().optional(),
  blockAnonymousCalls: z.boolean().optional(),
};

/**
 * Body of `PUT /internal/subscribers/:care4wId` (signed, web → agent). `ha1` is
 * md5(care4wId:realm:password) of the long-lived SIP phone password, or null when the user has
 * none yet (browsers still work with ephemeral credentials).
 */
export const subscriberUpsertSchema = z.object({
  ha1: ha1Schema.nullable(),
  active: z.boolean(),
  ...callProfileFields,
}).strict();
export type SubscriberUpsert = z.infer<typeof subscriberUpsertSchema>;

/** Body of a `200` from `GET {WEB_URL}/internal/subscribers/:care4wId` (signed, agent → web). */
export const subscriberRecordSchema = z.object({
  care4wId: care4wIdSchema,
  ha1: ha1Schema.nullable(),
  active: z.boolean(),
  ...callProfileFields,
});
export type SubscriberRecord = z.infer<typeof subscriberRecordSchema>;

/** A caller-ID fact as a trunk sent it: bounded, no control characters. */
const callerIdPart = z.string().max(256).regex(/^[^\p{Cc}]*$/u, "no control characters")
  .default("");

/**
 * Query of `GET /kamailio/call?from=&to=`: the CareFlow ID the caller's credentials proved (empty
 * for a call in from the trunk) and the dialled user part (a CareFlow ID, its short form, or an
 * E.164 number).
 */
export const kamailioCallQuerySchema = z.object({
  from: z.string().max(128).regex(/^[\x21-\x7e]*$/, "visible ASCII only").default(""),
  to: sipToken,
  // Who a call in from the trunk says is calling (Kamailio sends them only when `from` is
  // empty): the From URI's user, the trunk's P-Asserted-Identity user and the Privacy header.
  // Only compared, never put back into SIP; empty when absent.
  fromUser: callerIdPart,
  assertedUser: callerIdPart,
  privacy: callerIdPart,
});
export type KamailioCallQuery = z.infer<typeof kamailioCallQuerySchema>;

/** Longest display name put in a SIP header, in characters. */
export const SIP_DISPLAY_NAME_MAX = 64;

/**
 * A display name that is safe inside a SIP quoted-string: no quote, backslash or control
 * character (a CR or LF would end the header). The bound is in UTF-16 units, two per character.
 */
export const sipDisplayNameSchema = z.string().max(SIP_DISPLAY_NAME_MAX * 2).regex(
  /^[^"\\\p{Cc}]*$/u,
  "no quotes, backslashes or control characters",
);

/**
 * A CareFlow display name as it may appear in `"Name" <sip:…>`: quotes, backslashes and control
 * characters dropped, whitespace runs made one space, at most SIP_DISPLAY_NAME_MAX characters.
 */
export function sipDisplayName(name: string | undefined): string {
  const clean = (name ?? "").replace(/["\\\p{Cc}]/gu, " ").replace(/\s+/g, " ").trim();
  return Array.from(clean).slice(0, SIP_DISPLAY_NAME_MAX).join("").trim();
}

/**
 * The SIP status an INVITE to a CareFlow user is answered with instead of ringing, by the callee's
 * settings ("" rings): 486 do-not-disturb, 480 no direct calls from colleagues (nothing more is
 * said, as in the browser), 433 Anonymity Disallowed (RFC 5079) for a withheld outside number.
 */
export const CALL_REFUSALS = ["", "433", "480", "486"] as const;
export type CallRefusal = (typeof CALL_REFUSALS)[number];

/**
 * Body of a `200` from `GET /kamailio/call`, every field a string so Kamailio reads each with one
 * `jansson_get` ("" for none): the callee to look up ("" for a phone number), the caller's CareFlow
 * display name, the comma-separated CareFlow IDs whose setting records this call (caller first),
 * the caller's own E.164 number, and the callee's refusal (`CALL_REFUSALS`; Kamailio applies it
 * to INVITEs only, a MESSAGE is still delivered). `404`: no such callee (or not active); `403`:
 * the caller is not an active subscriber.
 */
export const kamailioCallResponseSchema = z.object({
  callee: z.union([care4wIdSchema, z.literal("")]),
  callerName: sipDisplayNameSchema,
  /** The callee's CareFlow name ("" for a phone number), for a transfer they make later. */
  calleeName: sipDisplayNameSchema,
  recordFor: z.string().regex(/^(care4w-\d{7}(,care4w-\d{7})?)?$/),
  callerNumber: z.union([e164Schema, z.literal("")]),
  refuse: z.enum(CALL_REFUSALS),
}).strict();
export type KamailioCallResponse = z.infer<typeof kamailioCallResponseSchema>;

/** Body of a `200` from `PUT /internal/subscribers/:care4wId`. */
export const subscriberUpsertResponseSchema = z.object({
  care4wId: care4wIdSchema,
  active: z.boolean(),
});
export type SubscriberUpsertResponse = z.infer<typeof subscriberUpsertResponseSchema>;

/** Path of the provisioning and cache-miss endpoints, on agent and web alike. */
export function subscriberPath(care4wId: string): string {
  return `/internal/subscribers/${care4wId}`;
}

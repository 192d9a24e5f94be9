/**
 * Every HTTP contract of the agent, as zod schemas used on both sides: Kamailio → agent lookups,
 * web → agent provisioning, agent → web cache-miss fetches. Runs in Deno (import map) and Bun
 * (node_modules).
 */
import { z } from "zod";
import { care4wIdSchema } from "./schemas.ts";

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

/** Body of a `200` from `GET /kamailio/route`: the SIP user to look up in the location table. */
export const kamailioRouteResponseSchema = z.object({ user: care4wIdSchema });
export type KamailioRouteResponse = z.infer<typeof kamailioRouteResponseSchema>;

/**
 * Body of `PUT /internal/subscribers/:care4wId` (signed, web → agent). `ha1` is
 * md5(care4wId:realm:password) of the long-lived SIP phone password, or null when the user has
 * none yet (browsers still work with ephemeral credentials).
 */
export const subscriberUpsertSchema = z.object({
  ha1: ha1Schema.nullable(),
  active: z.boolean(),
  displayName: z.string().max(200).optional(),
}).strict();
export type SubscriberUpsert = z.infer<typeof subscriberUpsertSchema>;

/** Body of a `200` from `GET {WEB_URL}/internal/subscribers/:care4wId` (signed, agent → web). */
export const subscriberRecordSchema = z.object({
  care4wId: care4wIdSchema,
  ha1: ha1Schema.nullable(),
  active: z.boolean(),
  displayName: z.string().max(200).optional(),
});
export type SubscriberRecord = z.infer<typeof subscriberRecordSchema>;

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

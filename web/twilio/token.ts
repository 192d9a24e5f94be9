/** The browser's Twilio Voice token: a signed AccessToken with a VoiceGrant, never logged. */
import twilio from "twilio";
import type { TwilioConfig } from "./config.ts";

/** A token as `/api/token` hands it to the browser. */
export interface TwilioBrowserToken {
  token: string;
  /** The Twilio Client identity: the user's CareFlow ID. */
  identity: string;
  expiresAt: string;
  allowedPrefixes: string[];
}

/** How long a token lives; the browser refreshes it before (the SDK's `tokenWillExpire`). */
export const TWILIO_TOKEN_TTL_SECONDS = 3600;

/** A token for `care4wId`: calls out through the TwiML app, calls in to this identity. */
export function twilioToken(
  config: TwilioConfig,
  care4wId: string,
  now: Date = new Date(),
): TwilioBrowserToken {
  const { AccessToken } = twilio.jwt;
  const token = new AccessToken(config.accountSid, config.apiKey, config.apiSecret, {
    identity: care4wId,
    ttl: TWILIO_TOKEN_TTL_SECONDS,
    nbf: Math.floor(now.getTime() / 1000) - 5,
  });
  token.addGrant(
    new AccessToken.VoiceGrant({ outgoingApplicationSid: config.twimlAppSid, incomingAllow: true }),
  );
  return {
    token: token.toJwt(),
    identity: care4wId,
    expiresAt: new Date(now.getTime() + TWILIO_TOKEN_TTL_SECONDS * 1000).toISOString(),
    allowedPrefixes: config.allowedPrefixes,
  };
}

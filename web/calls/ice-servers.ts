import type { IceServer } from "../../shared/calls.ts";
import { ephemeralSipCredentials } from "../../shared/sip-credentials.ts";
import type { Config } from "../config.ts";

/**
 * ICE servers for one user: STUN as configured, and TURN with short-lived credentials in the
 * coturn REST convention (username `<expiry>:<care4wId>`, credential base64 HMAC-SHA1 with
 * TURN_SECRET), which is exactly the convention of our ephemeral SIP credentials.
 */
export function iceServersFor(
  config: Pick<Config, "stunUrls" | "turn">,
  care4wId: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: config.stunUrls });
  if (config.turn) {
    const { username, password } = ephemeralSipCredentials(
      config.turn.secret,
      care4wId,
      config.turn.ttlSeconds,
      nowSeconds,
    );
    servers.push({ urls: config.turn.urls, username, credential: password });
  }
  return servers;
}

import type { TokenResponse } from "../../../shared/api.ts";
import { routeEngines } from "./routed-engine.ts";
import type { CallEngine } from "./types.ts";
import { signalingUrl } from "./signaling.ts";

/** A fresh `/api/token` answer (our own server's; zod stays out of the browser bundle). */
export async function freshToken(): Promise<TokenResponse> {
  const response = await fetch("/api/token");
  if (!response.ok) throw new Error(`token ${response.status}`);
  return await response.json() as TokenResponse;
}

/**
 * Loads the engines the server's answer asks for: the deployment's mode for CareFlow IDs, and
 * Twilio for phone numbers when it handed out a Twilio token. Each engine is a dynamic import, so
 * esbuild puts it in its own chunk and a page only downloads the ones it uses.
 */
export async function loadEngine(token: TokenResponse): Promise<CallEngine> {
  const primary = await loadPrimary(token);
  if (!token.twilio) return primary;
  let primaryBusy = false;
  primary.subscribe((
    s,
  ) => (primaryBusy = s.callId !== null && !["idle", "ended"].includes(s.phase)));
  const { createTwilioEngine } = await import("./twilio-engine.ts");
  const phones = createTwilioEngine({
    token: token.twilio,
    busyElsewhere: () => primaryBusy,
    recordCalls: token.recordCalls,
    async refresh() {
      const fresh = await freshToken();
      if (!fresh.twilio) throw new Error("no Twilio token");
      return fresh.twilio;
    },
  });
  return routeEngines(primary, phones);
}

async function loadPrimary(token: TokenResponse): Promise<CallEngine> {
  switch (token.mode) {
    case "webrtc": {
      const { createWebRtcEngine } = await import("./webrtc-engine.ts");
      return createWebRtcEngine({
        iceServers: token.iceServers,
        signalingUrl: signalingUrl(),
        autoRecord: token.recordCalls,
      });
    }
    case "sip": {
      if (!token.sip) throw new Error("The server is in sip mode but sent no SIP credentials.");
      const { createSipEngine } = await import("./sip-engine.ts");
      return createSipEngine({
        care4wId: token.care4wId,
        credentials: token.sip,
        iceServers: token.iceServers,
        ringTimeoutSeconds: token.ringTimeoutSeconds,
        refresh: async () => {
          const fresh = await freshToken();
          if (!fresh.sip) throw new Error("no SIP credentials");
          return fresh.sip;
        },
      });
    }
    default:
      // The server refuses to start in a mode without an engine; this is a stale page.
      throw new Error(`Calling mode ${token.mode} is not available in this build.`);
  }
}

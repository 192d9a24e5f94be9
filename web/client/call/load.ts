import type { TokenResponse } from "../../../shared/api.ts";
import type { CallEngine } from "./types.ts";
import { signalingUrl } from "./signaling.ts";

/**
 * Loads the engine for the server's mode. Each engine is a dynamic import, so esbuild puts it
 * in its own chunk and a page only downloads the one it uses.
 */
export async function loadEngine(token: TokenResponse): Promise<CallEngine> {
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
          const response = await fetch("/api/token");
          if (!response.ok) throw new Error(`token ${response.status}`);
          const fresh = await response.json() as TokenResponse;
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

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
      return createWebRtcEngine({ iceServers: token.iceServers, signalingUrl: signalingUrl() });
    }
    default:
      throw new Error(`Calling mode ${token.mode} is not available in this build.`);
  }
}

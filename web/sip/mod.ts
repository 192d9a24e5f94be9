/**
 * The web side of the SIP edge, built once per app from `SipConfig` (by `compose.ts`): the password
 * box, the phone credential service, the replay guard for the agent's signed requests, and the
 * ephemeral browser credentials of `/api/token`.
 */
import { ephemeralSipCredentials } from "../../shared/sip-credentials.ts";
import type { TokenResponse } from "../../shared/api.ts";
import { createMemoryReplayGuard, type ReplayGuard } from "../../shared/http/replay-guard.ts";
import type { SipConfig } from "../config.ts";
import type { AgentClient } from "./agent-client.ts";
import { currentChange, type SubscriberSource } from "./agent-outbox.ts";
import { createPhoneCredentialService, type PhoneCredentialService } from "./phone-credentials.ts";
import { createSecretBox } from "./secret-box.ts";

/** Everything the SIP routes need. */
export interface SipEdge {
  config: SipConfig;
  phones: PhoneCredentialService;
  agent: AgentClient;
  /** Nonces of the agent's signed requests seen lately (in this instance). */
  replays: ReplayGuard;
  /** Short-lived browser credentials for `/api/token`. */
  browserCredentials(care4wId: string): NonNullable<TokenResponse["sip"]>;
  /**
   * Sends the agent the user's current state (credentials, display name, recording setting,
   * do-not-disturb and call privacy), as after a change of any of them; the agent client retries and notes it in the outbox. Resolves
   * true when the agent took it at once; never rejects (a store that cannot be read is false).
   */
  syncSubscriber(care4wId: string): Promise<boolean>;
}

/** What routes that change a user's call profile need of the SIP edge. */
export type SubscriberSync = Pick<SipEdge, "syncSubscriber">;

/** Wires the SIP edge; `now` is the app's clock. */
export function createSipEdge(
  config: SipConfig,
  deps: {
    store: SubscriberSource;
    agent: AgentClient;
    now: () => Date;
  },
): SipEdge {
  const box = createSecretBox(config.passwordKey);
  return {
    config,
    agent: deps.agent,
    phones: createPhoneCredentialService({
      store: deps.store,
      box,
      agent: deps.agent,
      domain: config.domain,
      proxy: config.proxy,
      now: deps.now,
    }),
    replays: createMemoryReplayGuard(() => deps.now().getTime()),
    browserCredentials(care4wId) {
      const issued = ephemeralSipCredentials(
        config.credentialSecret,
        care4wId,
        config.tokenTtlSeconds,
        deps.now().getTime() / 1000,
      );
      return {
        wsUrl: config.wsUrl,
        domain: config.domain,
        username: issued.username,
        password: issued.password,
        expiresAt: issued.expiresAt,
      };
    },
    async syncSubscriber(care4wId) {
      let change;
      try {
        change = await currentChange(deps.store, care4wId);
      } catch {
        return false;
      }
      return await deps.agent.push(care4wId, change);
    },
  };
}

import { type AppDeps, createApp } from "./app.ts";
import type { Config } from "./config.ts";
import { callServiceForApp } from "./calls/for-app.ts";
import { type AgentClient, createAgentClient } from "./sip/agent-client.ts";
import { storeOutbox } from "./sip/agent-outbox.ts";
import type { Hub } from "./signal/hub.ts";
import { createMemoryHub } from "./signal/memory-hub.ts";
import { createRedisHub } from "./signal/redis-hub.ts";

/** What the caller brings; `store` and `hub` stay the caller's to close. */
export type ComposeOptions =
  & Pick<AppDeps, "config" | "store" | "logger" | "manifest" | "passwords">
  & Partial<Pick<AppDeps, "firebase" | "now" | "agent" | "calls">>
  & { hub: Hub };

export interface ComposedWeb {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  /**
   * Settles once changes an earlier run left undelivered have been taken up again (how many);
   * 0 at once without SIP or with an agent client given by the caller.
   */
  resumed: Promise<number>;
  /** Ends calls and stops the agent client's retries; the caller then closes hub and store. */
  close(): Promise<void>;
}

/** The hub this configuration asks for: Redis across instances, else in this process. */
export async function openHub(config: Pick<Config, "redisUrl">): Promise<Hub> {
  return config.redisUrl ? await createRedisHub({ url: config.redisUrl }) : createMemoryHub();
}

/**
 * Wires the web app the same way for the server, the test kits and the benchmarks: the call
 * service over the hub and store, and, when SIP is configured, the agent client (unless one is
 * given).
 */
export function composeWeb(options: ComposeOptions): ComposedWeb {
  const { config, store, logger, hub } = options;
  const calls = options.calls ?? callServiceForApp({ store, hub, config, logger });
  const now = options.now ?? (() => new Date());
  const agent = options.agent ?? (config.sip
    ? createAgentClient({
      agentUrl: config.sip.agentUrl,
      secret: config.sip.internalApiSecret,
      logger,
      outbox: storeOutbox(store, now),
    })
    : undefined);
  const deps: AppDeps = { ...options, calls, agent };
  const resumed = options.agent || !agent ? Promise.resolve(0) : resumeOrLog(agent, logger);
  return {
    app: createApp(deps),
    deps,
    resumed,
    async close() {
      await resumed;
      if (!options.agent) agent?.close();
      await calls.close();
    },
  };
}

function resumeOrLog(agent: AgentClient, logger: ComposeOptions["logger"]): Promise<number> {
  return agent.resume().catch((error) => {
    // The store is unreadable: the app still serves, and the next start tries again.
    logger.error("could not resume undelivered subscriber changes", { error: error.name });
    return 0;
  });
}

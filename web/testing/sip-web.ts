/**
 * The whole SIP product for browser tests: redis, RTPEngine and Kamailio from tools/stack, the web
 * app in `sip` mode, and the agent, wired to each other the way production is (the agent asks
 * this web for cache misses and tells Kamailio about changes). Everything is ended by `stop()`.
 */
import { encodeBase64 } from "../http/base64.ts";
import { type Stack, type StackPorts, startStack } from "../../tools/stack/stack.ts";
import { startAgent, type TestProcess } from "./agent.ts";
import { type RunningServer, startServer } from "./server.ts";

/** The running pieces, for the test to reach into. */
export interface SipWeb {
  stack: Stack;
  server: RunningServer;
  agent: TestProcess;
  /** Stops web, agent and the stack, in that order. */
  stop(): Promise<void>;
}

/** Starts the stack, then web (whose URL the agent needs), then the agent. */
export async function startSipWeb(o: {
  ports: StackPorts;
  domain: string;
  /** Web's port (default: any free one). */
  webPort?: number;
  /** See `StackOptions.rtpengineDeleteDelay`. */
  rtpengineDeleteDelay?: number;
}): Promise<SipWeb> {
  const stack = await startStack({
    ports: o.ports,
    sipDomain: o.domain,
    // Started below, once web's URL (its cache-miss source) is known.
    skip: { agent: true },
    rtpengineDeleteDelay: o.rtpengineDeleteDelay,
  });
  const cleanups: (() => Promise<unknown>)[] = [() => stack.stop()];
  const stop = async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  };
  try {
    const agentUrl = `http://127.0.0.1:${o.ports.agent}`;
    const server = await startServer({
      ...(o.webPort ? { PORT: String(o.webPort) } : {}),
      CALL_MODE: "sip",
      SIP_DOMAIN: o.domain,
      SIP_WS_URL: stack.urls.ws,
      SIP_PROXY: `sip:127.0.0.1:${o.ports.sip};transport=udp`,
      SIP_CREDENTIAL_SECRET: stack.sipCredentialSecret,
      INTERNAL_API_SECRET: stack.internalApiSecret,
      AGENT_URL: agentUrl,
      SIP_PASSWORD_KEY: encodeBase64(crypto.getRandomValues(new Uint8Array(32))),
    });
    cleanups.unshift(() => server.close());
    const agent = await startAgent({
      port: o.ports.agent,
      redisUrl: stack.urls.redis,
      sipDomain: o.domain,
      sipCredentialSecret: stack.sipCredentialSecret,
      internalApiSecret: stack.internalApiSecret,
      webUrl: server.url,
      kamailioRpcUrl: stack.urls.rpc,
    });
    cleanups.unshift(() => agent.stop());
    return { stack, server, agent, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls `check` every 200 ms (a throw counts as "not yet") until true; throws naming `what`. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The whole SIP product for browser tests: redis, RTPEngine and Kamailio from tools/stack, the web
 * app in `sip` mode, and the agent, wired to each other the way production is (the agent asks
 * this web for cache misses and tells Kamailio about changes). Everything is ended by `stop()`.
 */
import type { Browser, Page } from "playwright-core";
import { launchChromium, watchErrors } from "./browser.ts";
import { openPhone, type PhoneUser } from "./phone-kit.ts";
import { encodeBase64 } from "../http/base64.ts";
import { eventually, sleep } from "../../testing/eventually.ts";
import { type Stack, type StackPorts, startStack } from "../../tools/stack/stack.ts";
import { type AgentProcess, startAgent } from "../../testing/agent.ts";
import { type RunningServer, startServer } from "./server.ts";
import { sessionCookie } from "./app.ts";
import { writeTone } from "../../pbx/testing/audio.ts";
import { type Baresip, startBaresip } from "../../pbx/testing/baresip.ts";
import { registeredAors } from "../../pbx/testing/kit.ts";

/** The running pieces, for the test to reach into. */
export interface SipWeb {
  stack: Stack;
  server: RunningServer;
  agent: AgentProcess;
  /** Stops web, agent and the stack, in that order. */
  stop(): Promise<void>;
}

/** Starts the stack, then web (whose URL the agent needs), then the agent. */
export async function startSipWeb(o: {
  domain: string;
  /** See `StackOptions.rtpengineDeleteDelay`. */
  rtpengineDeleteDelay?: number;
  /** How long calls ring, in Kamailio and web alike (default: the product's). */
  ringTimeoutSeconds?: number;
  /** See `StackOptions.freeswitchNodes` (Kamailio WITH_FREESWITCH over these). */
  freeswitchNodes?: string[];
  /** See `StackOptions.kamailioDefines`. */
  kamailioDefines?: string[];
  /** The stack's ports, when something started first must know them (a FreeSWITCH). */
  ports?: StackPorts;
  /** More agent variables (a FreeSWITCH's event socket, its CDR folder). */
  agentEnv?: Record<string, string>;
}): Promise<SipWeb> {
  // Every port is a free one (the stack's default).
  const stack = await startStack({
    ports: o.ports,
    sipDomain: o.domain,
    // Started below, once web's URL (its cache-miss source) is known.
    skip: { agent: true },
    rtpengineDeleteDelay: o.rtpengineDeleteDelay,
    ringTimeoutSeconds: o.ringTimeoutSeconds,
    freeswitchNodes: o.freeswitchNodes,
    kamailioDefines: o.kamailioDefines,
  });
  const cleanups: (() => Promise<unknown>)[] = [() => stack.stop()];
  const stop = async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  };
  try {
    const server = await startServer({
      ...(o.ringTimeoutSeconds ? { RING_TIMEOUT_SECONDS: String(o.ringTimeoutSeconds) } : {}),
      CALL_MODE: "sip",
      SIP_DOMAIN: o.domain,
      SIP_WS_URL: stack.urls.ws,
      SIP_PROXY: `sip:127.0.0.1:${stack.ports.sip};transport=udp`,
      SIP_CREDENTIAL_SECRET: stack.sipCredentialSecret,
      INTERNAL_API_SECRET: stack.internalApiSecret,
      AGENT_URL: stack.urls.agent,
      SIP_PASSWORD_KEY: encodeBase64(crypto.getRandomValues(new Uint8Array(32))),
    });
    cleanups.unshift(() => server.close());
    const agent = await startAgent({
      port: stack.ports.agent,
      redisUrl: stack.urls.redis,
      sipDomain: o.domain,
      sipCredentialSecret: stack.sipCredentialSecret,
      internalApiSecret: stack.internalApiSecret,
      webUrl: server.url,
      kamailioRpcUrl: stack.urls.rpc,
      kamailioApiSecret: stack.kamailioApiSecret,
      // Registrations (presence) and, without FreeSWITCH, Kamailio's call records reach web.
      kamailioEvapi: stack.ports.evapi ? `127.0.0.1:${stack.ports.evapi}` : undefined,
      env: o.agentEnv,
    });
    cleanups.unshift(() => agent.stop());
    return { stack, server, agent, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A user with a SIP phone password, for a test SIP phone (baresip) to register with. */
export interface SipPhoneUser {
  care4wId: string;
  name: string;
  password: string;
}

/** Signs `name` up through web's API and creates their SIP phone password. */
export async function signUpPhoneUser(base: string, name: string): Promise<SipPhoneUser> {
  const signup = await fetch(`${base}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: `${name.toLowerCase().replace(/\W/g, "")}-${crypto.randomUUID()}@example.org`,
      password: "a long enough password",
      displayName: name,
    }),
  });
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
  const { user } = await signup.json();
  const created = await fetch(`${base}/api/sip/credentials`, {
    method: "POST",
    headers: { cookie: sessionCookie(signup), origin: base },
  });
  if (created.status !== 200) {
    throw new Error(`SIP credentials: ${created.status} ${await created.text()}`);
  }
  return { care4wId: user.care4wId, name, password: (await created.json()).password };
}

/**
 * Audio bytes received by the page's open peer connections (each SIP call has its own; a call
 * that ended or was handed on closes its one), read from the peers phone-kit keeps in `__peers`.
 */
export function liveAudioBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const peers = (globalThis as any).__peers as RTCPeerConnection[];
    let bytes = 0;
    for (const peer of peers.filter((p) => p.connectionState !== "closed")) {
      (await peer.getStats()).forEach((stat) => {
        if (stat.type === "inbound-rtp" && stat.kind === "audio") bytes += stat.bytesReceived ?? 0;
      });
    }
    return bytes;
  });
}

/** Resolves once audio keeps arriving in the page's open calls; `what` names it in a timeout. */
export async function audioFlows(page: Page, what: string): Promise<void> {
  await eventually(what, async () => {
    const before = await liveAudioBytes(page);
    await sleep(700);
    return (await liveAudioBytes(page)) > before + 500;
  }, { timeoutMs: 15_000 });
}

/**
 * A baresip phone registered as `user` (answering by itself, tracing SIP, playing a tone as its
 * microphone), resolved once Kamailio holds its registration. `quitAfter` bounds its life in
 * seconds; `control` opens its ctrl_tcp for commands such as a transfer.
 */
export async function startBaresipUser(
  web: SipWeb,
  user: SipPhoneUser,
  domain: string,
  o: { quitAfter: number; control?: boolean },
): Promise<Baresip> {
  const dir = `${web.stack.workDir}/${user.care4wId}`;
  await writeTone(`${dir}.wav`, 600, 60);
  const phone = await startBaresip({
    dir,
    user: user.care4wId,
    domain,
    authUser: user.care4wId,
    password: user.password,
    proxy: `127.0.0.1:${web.stack.ports.sip}`,
    toneWav: `${dir}.wav`,
    autoAnswer: true,
    control: o.control,
    quitAfter: o.quitAfter,
    sipTrace: true,
  });
  await waitRegistered(web, [user]);
  return phone;
}

/** Resolves once Kamailio holds a registration of each of `users`. */
export async function waitRegistered(web: SipWeb, users: { care4wId: string }[]): Promise<void> {
  for (const user of users) {
    await eventually(
      `${user.care4wId}'s registration`,
      async () => (await registeredAors(web.stack.rpc)).includes(user.care4wId),
    );
  }
}

/** A SIP product, a baresip phone and dashboard tabs in sip mode, as `withSipScene` gives them. */
export interface SipScene {
  web: SipWeb;
  /** The phone's user, and the phone (answering by itself). */
  phoneUser: SipPhoneUser;
  phone: Baresip;
  /** The tabs, in the order of `tabs`, each registered. */
  tabs: PhoneUser[];
  /** Page errors of each tab so far (a test asserts them empty where it means to). */
  errors: string[][];
}

/**
 * Runs `run` in a SIP scene: the stack and web in sip mode, a baresip phone for `phone.name`,
 * Chromium tabs for `tabs`, all registered; on failure the phone's SIP log is added to the error;
 * everything is stopped after.
 */
export async function withSipScene(
  o: {
    domain: string;
    phone: { name: string; quitAfter: number; control?: boolean };
    tabs: string[];
  },
  run: (scene: SipScene) => Promise<void>,
): Promise<void> {
  const web = await startSipWeb({ domain: o.domain });
  let browser: Browser | undefined;
  let phone: Baresip | undefined;
  try {
    const phoneUser = await signUpPhoneUser(web.server.url, o.phone.name);
    phone = await startBaresipUser(web, phoneUser, o.domain, o.phone);
    browser = await launchChromium({ media: true });
    const tabs: PhoneUser[] = [];
    for (const name of o.tabs) tabs.push(await openPhone(browser, web.server.url, name));
    const errors = tabs.map((tab) => watchErrors(tab.page));
    await waitRegistered(web, tabs);
    await run({ web, phoneUser, phone, tabs, errors });
  } catch (error) {
    const log = await phone?.log().catch(() => "") ?? "";
    throw new Error(`${(error as Error).message}\nbaresip:\n${log.slice(-4000)}`, {
      cause: error,
    });
  } finally {
    await phone?.stop();
    await browser?.close().catch(() => {});
    await web.stop();
  }
}

/**
 * The agent's FreeSWITCH event-socket client: one inbound connection at a time, subscribed to
 * what the agent's consumers need, reconnected with capped, jittered backoff whenever it drops
 * (FreeSWITCH restarting, the network, a refused password). Consumers see decoded events through
 * {@link EslEventSource}; a consumer that throws is warned about and does not stop the others.
 *
 * Our own client rather than `modesl` / `drachtio-modesl`: see README.md in this folder.
 */
import type { AgentService } from "../agent.ts";
import type { WarnLogger } from "../log.ts";
import { backoffDelay, type BackoffOptions } from "./backoff.ts";
import type { EslEvent, EslEventSource } from "./event.ts";
import type { EslMetrics } from "./metrics.ts";
import { type EslSession, openSession, type SessionEnd } from "./session.ts";

/** What the agent subscribes to: the CDR builder's, recordings' and voicemail's needs. */
export const DEFAULT_ESL_EVENTS = [
  "CHANNEL_CREATE",
  "CHANNEL_ANSWER",
  "CHANNEL_BRIDGE",
  "CHANNEL_HANGUP_COMPLETE",
  "RECORD_STOP",
  // No consumer needs it, but it arrives every 20 s: it proves the connection alive and
  // measures the lag when no call is up.
  "HEARTBEAT",
] as const;
/** `CUSTOM` subclasses subscribed (voicemail left: `VM-Action: leave-message`). */
export const DEFAULT_ESL_SUBCLASSES = ["vm::maintenance"] as const;

/** `config.freeswitch.esl`. */
export interface EslEndpoint {
  host: string;
  port: number;
  password: string;
}

/** What the client needs besides the endpoint. */
export interface EslServiceDeps {
  metrics: EslMetrics;
  warn: WarnLogger;
  /** Event names to subscribe to (default {@link DEFAULT_ESL_EVENTS}). */
  events?: readonly string[];
  /** `CUSTOM` subclasses (default {@link DEFAULT_ESL_SUBCLASSES}). */
  subclasses?: readonly string[];
  /** Wire format asked for; both decode to the same events. */
  format?: "json" | "plain";
  backoff?: BackoffOptions;
  handshakeTimeoutMs?: number;
  idleTimeoutMs?: number;
  /** Clock in milliseconds (lag). */
  nowMs?: () => number;
}

/** The client as the agent runs it: a background service and an event source. */
export interface EslService extends AgentService, EslEventSource {
  /** True while subscribed. */
  readonly connected: boolean;
}

const EVENT_NAME = /^[A-Z][A-Z0-9_]*$/;
const SUBCLASS = /^[A-Za-z0-9_.:-]+$/;

/** The subscription command; CUSTOM and its subclasses must come last (FreeSWITCH's syntax). */
export function subscriptionCommand(
  format: "json" | "plain",
  events: readonly string[],
  subclasses: readonly string[],
): string {
  // The names go into a socket command: refuse anything that could end the line.
  for (const name of events) if (!EVENT_NAME.test(name)) throw new Error(`bad event name ${name}`);
  for (const name of subclasses) if (!SUBCLASS.test(name)) throw new Error(`bad subclass ${name}`);
  const custom = subclasses.length > 0 ? ["CUSTOM", ...subclasses] : [];
  return ["event", format, ...events.filter((e) => e !== "CUSTOM"), ...custom].join(" ");
}

const WHY: Record<SessionEnd, string> = {
  connect_failed: "is not reachable",
  auth_refused: "refused the password",
  subscription_refused: "refused the event subscription",
  refused: "refused the connection (ACL)",
  goodbye: "said goodbye",
  timeout: "went silent",
  lost: "connection was lost",
  stopped: "was closed",
};

/** Builds the client; nothing connects before `start()`. */
export function createEslService(endpoint: EslEndpoint, deps: EslServiceDeps): EslService {
  const nowMs = deps.nowMs ?? Date.now;
  const subscription = subscriptionCommand(
    deps.format ?? "json",
    deps.events ?? DEFAULT_ESL_EVENTS,
    deps.subclasses ?? DEFAULT_ESL_SUBCLASSES,
  );
  const eventListeners = new Set<(event: EslEvent) => void>();
  const connectedListeners = new Set<() => void>();
  const where = `${endpoint.host}:${endpoint.port}`;
  let session: EslSession | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let connected = false;
  let failures = 0;
  let sessionEnded: Promise<void> = Promise.resolve();

  function call<T extends unknown[]>(listeners: Set<(...args: T) => void>, ...args: T): void {
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch (error) {
        deps.warn(`careflow-agent: warning: an ESL consumer failed: ${(error as Error)?.name}`);
      }
    }
  }

  function onEvent(event: EslEvent): void {
    deps.metrics.events.inc({ name: event.name });
    const created = Number(event.headers["Event-Date-Timestamp"]);
    if (Number.isSafeInteger(created) && created > 0) {
      const lag = Math.max(0, nowMs() / 1000 - created / 1e6);
      deps.metrics.lag.set(lag);
      deps.metrics.lagSeconds.observe(lag);
    }
    call(eventListeners, event);
  }

  function connect(): void {
    retry = null;
    if (!running) return;
    let resolveEnded = () => {};
    sessionEnded = new Promise<void>((resolve) => (resolveEnded = resolve));
    session = openSession({
      host: endpoint.host,
      port: endpoint.port,
      password: endpoint.password,
      subscription,
      handshakeTimeoutMs: deps.handshakeTimeoutMs ?? 5000,
      idleTimeoutMs: deps.idleTimeoutMs ?? 65_000,
    }, {
      subscribed() {
        connected = true;
        failures = 0;
        deps.metrics.connected.set(1);
        deps.metrics.connections.inc({ result: "subscribed" });
        call(connectedListeners);
      },
      event: onEvent,
      malformed(problem) {
        deps.metrics.malformed.inc({ problem });
        deps.warn(`careflow-agent: warning: FreeSWITCH event socket: dropped a frame (${problem})`);
      },
      ended(why, notice) {
        session = null;
        const wasConnected = connected;
        connected = false;
        deps.metrics.connected.set(0);
        resolveEnded();
        if (!running) return;
        deps.metrics.connections.inc({ result: why });
        failures++;
        const delay = backoffDelay(failures, deps.backoff);
        // The goodbye text is FreeSWITCH's own (e.g. "The system is being shut down."); it names
        // no secret. The password never appears in a log line.
        const said = notice ? ` ("${notice.split("\n")[0].slice(0, 80)}")` : "";
        const state = wasConnected ? "" : " (not connected)";
        deps.warn(
          `careflow-agent: warning: FreeSWITCH event socket at ${where} ${WHY[why]}${said}` +
            `${state}; retrying in ${(delay / 1000).toFixed(1)} s`,
        );
        retry = setTimeout(connect, delay);
      },
    });
  }

  return {
    name: "freeswitch-esl",
    get connected() {
      return connected;
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnected(listener) {
      connectedListeners.add(listener);
      return () => connectedListeners.delete(listener);
    },
    start() {
      if (running) return Promise.resolve();
      running = true;
      // Not awaited: FreeSWITCH being down at start-up is a warning, not a failed start.
      connect();
      return Promise.resolve();
    },
    async stop() {
      running = false;
      if (retry) clearTimeout(retry);
      retry = null;
      session?.close();
      await sessionEnded;
    },
  };
}

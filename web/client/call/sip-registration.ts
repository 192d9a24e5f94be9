/**
 * The sip engine's line to Kamailio: a sip.js user agent over WebSocket, registered with the
 * short-lived credentials of `/api/token` (digest username `<expiry>:<care4wId>`, SIP URI
 * `sip:<care4wId>@<domain>`), refreshed before they expire, reconnected with backoff.
 */
import { type Invitation, Registerer, RegistererState, UserAgent } from "sip.js";
import type { TokenResponse } from "../../../shared/api.ts";
import type { IceServer } from "../../../shared/calls.ts";

export type SipCredentials = NonNullable<TokenResponse["sip"]>;

export interface SipRegistrationOptions {
  care4wId: string;
  credentials: SipCredentials;
  iceServers: IceServer[];
  /** Fetches fresh credentials (the `sip` part of `/api/token`). */
  refresh: () => Promise<SipCredentials>;
  /** Kamailio's ring timeout, which is also the server's (`/api/token`). */
  ringTimeoutSeconds: number;
}

/** What the registration tells the engine. */
export interface SipRegistrationEvents {
  invite(invitation: Invitation): void;
  /** Registered (true) or not; `problem` is set when the phone cannot receive calls. */
  registered(ready: boolean, problem: string | null): void;
  /** The WebSocket dropped; `error` when it was not on purpose. */
  disconnected(error: boolean): void;
}

/** Refresh credentials this long before they expire (or at 80 % of a short lifetime). */
const REFRESH_MARGIN_S = 300;
const REGISTER_EXPIRES_S = 600;

/** The user agent and its registration, and their life cycle. */
export interface SipRegistration {
  ua: UserAgent;
  /** The SIP domain calls are placed in. */
  domain(): string;
  start(): void;
  stop(): void;
}

/** Creates the user agent; nothing connects before `start()`. */
export function createSipRegistration(
  options: SipRegistrationOptions,
  events: SipRegistrationEvents,
): SipRegistration {
  let credentials = options.credentials;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let reconnectDelay = 1000;
  let stopped = false;

  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${options.care4wId}@${credentials.domain}`),
    transportOptions: { server: credentials.wsUrl },
    authorizationUsername: credentials.username,
    authorizationPassword: credentials.password,
    displayName: options.care4wId,
    logLevel: "error",
    sessionDescriptionHandlerFactoryOptions: {
      peerConnectionConfiguration: { iceServers: options.iceServers },
    },
    delegate: {
      onInvite: (invitation) => events.invite(invitation),
      onConnect: () => {
        reconnectDelay = 1000;
        void registerer.register().catch(() => {});
      },
      onDisconnect: (error) => {
        events.disconnected(Boolean(error));
        if (!stopped) scheduleReconnect();
      },
    },
  });
  const registerer = new Registerer(ua, { expires: REGISTER_EXPIRES_S });
  registerer.stateChange.addListener((registration) => {
    const unregistered = registration === RegistererState.Unregistered && !stopped;
    events.registered(
      registration === RegistererState.Registered,
      unregistered ? "The phone is not registered. Check your connection." : null,
    );
  });

  const scheduleReconnect = () => {
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(() => {
      void ua.reconnect().catch(() => scheduleReconnect());
    }, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, 30_000);
  };

  /** Fetches new credentials before the current ones expire, and re-registers with them. */
  const scheduleRefresh = () => {
    clearTimeout(refreshTimer);
    const left = credentials.expiresAt - Date.now() / 1000;
    const wait = Math.max(5, Math.min(left - REFRESH_MARGIN_S, left * 0.8));
    refreshTimer = setTimeout(async () => {
      try {
        credentials = await options.refresh();
        // sip.js reads these when it answers the next digest challenge.
        ua.configuration.authorizationUsername = credentials.username;
        ua.configuration.authorizationPassword = credentials.password;
        if (registerer.state === RegistererState.Registered) await registerer.register();
      } catch {
        // Try again soon; the old credentials may still be valid for a while.
      }
      if (!stopped) scheduleRefresh();
    }, wait * 1000);
  };

  return {
    ua,
    domain: () => credentials.domain,
    start() {
      stopped = false;
      void ua.start().catch(() => {
        events.disconnected(false);
        scheduleReconnect();
      });
      scheduleRefresh();
    },
    stop() {
      stopped = true;
      clearTimeout(refreshTimer);
      clearTimeout(reconnectTimer);
      void registerer.unregister().catch(() => {}).finally(() => ua.stop().catch(() => {}));
    },
  };
}

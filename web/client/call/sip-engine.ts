/**
 * The `sip` call engine: sip.js registers this tab to Kamailio over WebSocket with the short-lived
 * credentials of `/api/token` (digest username `<expiry>:<care4wId>`, SIP URI
 * `sip:<care4wId>@<domain>`), refreshes them before they expire, and places and answers calls
 * with media through RTPEngine. Same phases and end-reason texts as the webrtc engine, so the
 * phone UI does not care which engine runs. Loaded as its own chunk (sip.js is ~55 KB gzipped).
 */
import {
  Invitation,
  Inviter,
  Registerer,
  RegistererState,
  type Session,
  SessionState,
  UserAgent,
  type Web,
} from "sip.js";
import type { TokenResponse } from "../../../shared/api.ts";
import { microphoneProblem, remoteAudioElement } from "./media.ts";
import { playTone, type Tone } from "./ringtone.ts";
import { type CallEngine, type CallSnapshot, IDLE } from "./types.ts";
import { createCallState } from "./call-state.ts";

type SipCredentials = NonNullable<TokenResponse["sip"]>;
type SessionDescriptionHandler = Web.SessionDescriptionHandler;

export interface SipEngineOptions {
  care4wId: string;
  credentials: SipCredentials;
  iceServers: RTCIceServer[];
  /** Fetches fresh credentials (the `sip` part of `/api/token`). */
  refresh: () => Promise<SipCredentials>;
}

/** Refresh credentials this long before they expire (or at 80 % of a short lifetime). */
const REFRESH_MARGIN_S = 300;
const REGISTER_EXPIRES_S = 600;

/** Words for a final SIP status on an outgoing call, like the webrtc engine's reasons. */
function outboundReason(status: number): string {
  if (status === 486 || status === 600) return "Busy on another call";
  if (status === 603) return "Declined";
  if (status === 408 || status === 480) {
    return status === 408 ? "No answer" : "Not available right now";
  }
  if (status === 404 || status === 410 || status === 484 || status === 604) {
    return "Not available right now";
  }
  if (status === 487) return "Cancelled";
  return "Call failed";
}

/** `care4w-…` or an E.164 number → the SIP URI to call. */
function targetUri(target: string, domain: string) {
  const user = target.startsWith("+") ? target : target.toLowerCase();
  return UserAgent.makeURI(`sip:${user}@${domain}`);
}

/** Creates the engine; `start()` connects and registers. */
export function createSipEngine(options: SipEngineOptions): CallEngine {
  const calls = createCallState();
  const update = calls.update;
  let credentials = options.credentials;
  let session: Session | null = null;
  let audio: HTMLAudioElement | null = null;
  let tone: Tone | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let reconnectDelay = 1000;
  let stopped = false;
  let endedByUs: string | null = null;

  const inCall = () => calls.state.callId !== null && calls.state.phase !== "ended";
  const ring = (kind: "ring" | "ringback" | null) => {
    tone?.stop();
    tone = kind ? playTone(kind) : null;
  };
  const sdhOf = (s: Session | null) =>
    (s?.sessionDescriptionHandler ?? null) as SessionDescriptionHandler | null;

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
      onInvite: (invitation) => onInvite(invitation),
      onConnect: () => {
        reconnectDelay = 1000;
        void registerer.register().catch(() => {});
      },
      onDisconnect: (error) => {
        update({ ready: false });
        if (error && inCall()) finish("Call failed: the connection was lost");
        if (!stopped) scheduleReconnect();
      },
    },
  });
  const registerer = new Registerer(ua, { expires: REGISTER_EXPIRES_S });
  registerer.stateChange.addListener((registration) => {
    update({
      ready: registration === RegistererState.Registered,
      problem: registration === RegistererState.Unregistered && !stopped
        ? "The phone is not registered. Check your connection."
        : null,
    });
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

  /** Ends the call locally: devices released, tone stopped, reason shown, then idle. */
  const finish = (reason: string) => {
    ring(null);
    // Closing the handler stops our microphone track and the remote tracks.
    sdhOf(session)?.close();
    session = null;
    audio?.remove();
    audio = null;
    calls.showEnded(reason);
  };

  /** Plays the remote side and follows the media path for connected / reconnecting. */
  const attachMedia = (sdh: SessionDescriptionHandler) => {
    audio ??= remoteAudioElement();
    audio.srcObject = sdh.remoteMediaStream;
    void audio.play().catch(() => {});
    sdh.peerConnectionDelegate = {
      onconnectionstatechange: () => {
        const pc = sdh.peerConnection;
        if (!pc || session?.sessionDescriptionHandler !== sdh) return;
        if (pc.connectionState === "connected") {
          update({ phase: "connected", connectedAt: calls.state.connectedAt ?? Date.now() });
        } else if (pc.connectionState === "disconnected" && calls.state.phase === "connected") {
          update({ phase: "reconnecting" });
        } else if (pc.connectionState === "failed") {
          hangupSession();
          finish("Call failed: the connection was lost");
        }
      },
      ontrack: () => void audio?.play().catch(() => {}),
    };
  };

  /** Follows a session to its end; `reason` reads what happened. */
  const watch = (s: Session, reason: () => string) => {
    s.delegate = {
      ...s.delegate,
      onSessionDescriptionHandler: (sdh) => attachMedia(sdh as SessionDescriptionHandler),
      onInvite: (request) => {
        // A re-INVITE from the other side: sendonly/inactive means they put us on hold.
        const body = request.body ?? "";
        update({ remoteHeld: /a=(sendonly|inactive)/.test(body) });
      },
    };
    s.stateChange.addListener((next) => {
      if (session !== s) return;
      if (next === SessionState.Established) {
        ring(null);
        if (calls.state.phase !== "connected") update({ phase: "connecting" });
      } else if (next === SessionState.Terminated) {
        finish(endedByUs ?? reason());
      }
    });
  };

  const begin = (patch: Partial<CallSnapshot>) => {
    calls.cancelIdle();
    endedByUs = null;
    update({ ...IDLE, ready: calls.state.ready, problem: calls.state.problem, ...patch });
  };

  const onInvite = (invitation: Invitation) => {
    if (inCall()) {
      void invitation.reject({ statusCode: 486 }).catch(() => {});
      return;
    }
    const identity = invitation.remoteIdentity;
    const care4wId = identity.uri.user ?? "unknown";
    session = invitation;
    let cancelReason = "The caller hung up";
    invitation.delegate = {
      onCancel: (cancel) => {
        // A CANCEL with "cause=200" means another of this user's devices took the call.
        const why = cancel.request.getHeader("Reason") ?? "";
        if (/cause=200/.test(why)) cancelReason = "Answered on another device";
      },
    };
    begin({
      phase: "incoming",
      callId: invitation.request.callId,
      direction: "inbound",
      remote: { care4wId, displayName: identity.displayName || care4wId },
    });
    watch(invitation, () => calls.state.phase === "incoming" ? cancelReason : "Call ended");
    void invitation.progress().catch(() => {});
    ring("ring");
  };

  /** Sends whatever ends the session in its current calls.state. */
  const hangupSession = () => {
    const s = session;
    if (!s) return;
    const ignore = () => {};
    if (s.state === SessionState.Established) void s.bye().catch(ignore);
    else if (s instanceof Inviter) void s.cancel().catch(ignore);
    else if (s instanceof Invitation) void s.reject().catch(ignore);
  };

  const endByUs = (reason: string) => {
    endedByUs = reason;
    hangupSession();
    finish(reason);
  };

  const mediaOptions = { constraints: { audio: true, video: false } };

  return {
    mode: "sip",
    start() {
      stopped = false;
      void ua.start().catch(() => {
        update({ ready: false });
        scheduleReconnect();
      });
      scheduleRefresh();
    },
    async call(target) {
      if (inCall()) return;
      const uri = targetUri(target, credentials.domain);
      if (!uri) return;
      const inviter = new Inviter(ua, uri, { sessionDescriptionHandlerOptions: mediaOptions });
      session = inviter;
      let final = 0;
      begin({
        phase: "calling",
        callId: inviter.request.callId,
        direction: "outbound",
        remote: { care4wId: target, displayName: target },
      });
      watch(inviter, () => final ? outboundReason(final) : "Call ended");
      try {
        await inviter.invite({
          requestDelegate: {
            onProgress: (response) => {
              if (response.message.statusCode === 180 || response.message.statusCode === 183) {
                if (calls.state.phase === "calling") update({ phase: "ringing" });
                ring("ringback");
              }
            },
            onReject: (response) => (final = response.message.statusCode ?? 500),
          },
        });
      } catch (error) {
        if (session === inviter) finish(microphoneProblem(error));
      }
    },
    async answer() {
      const s = session;
      if (calls.state.phase !== "incoming" || !(s instanceof Invitation)) return;
      ring(null);
      update({ phase: "connecting" });
      try {
        await s.accept({ sessionDescriptionHandlerOptions: mediaOptions });
      } catch (error) {
        if (session === s) endByUs(microphoneProblem(error));
      }
    },
    decline() {
      if (calls.state.phase === "incoming") endByUs("You declined");
    },
    cancel() {
      if (calls.state.phase === "calling" || calls.state.phase === "ringing") endByUs("Cancelled");
    },
    hangup() {
      if (!inCall()) return;
      if (calls.state.phase === "incoming") return this.decline();
      if (calls.state.phase === "calling" || calls.state.phase === "ringing") return this.cancel();
      endByUs("Call ended");
    },
    setMuted(muted) {
      update({ muted });
      sdhOf(session)?.enableSenderTracks(!muted && !calls.state.held);
    },
    setHeld(held) {
      const s = session;
      if (!s || s.state !== SessionState.Established || held === calls.state.held) return;
      update({ held });
      // A re-INVITE with sendonly (hold) or sendrecv; the handler also mutes our track.
      s.sessionDescriptionHandlerOptionsReInvite = {
        ...mediaOptions,
        hold: held,
      } as typeof s.sessionDescriptionHandlerOptionsReInvite;
      void s.invite({
        requestDelegate: { onReject: () => update({ held: !held }) },
      }).catch(() => update({ held: !held }));
      if (audio) audio.muted = held;
      sdhOf(s)?.enableSenderTracks(!held && !calls.state.muted);
    },
    sendDtmf(tones) {
      const s = session;
      if (!s || s.state !== SessionState.Established) return;
      // RFC 4733 events in the media when the browser can; SIP INFO otherwise.
      if (sdhOf(s)?.sendDtmf(tones, { duration: 120, interToneGap: 70 })) return;
      for (const tone of tones) {
        void s.info({
          requestOptions: {
            body: {
              contentDisposition: "render",
              contentType: "application/dtmf-relay",
              content: `Signal=${tone}\r\nDuration=120`,
            },
          },
        }).catch(() => {});
      }
    },
    subscribe: calls.subscribe,
    stop() {
      stopped = true;
      if (inCall()) this.hangup();
      clearTimeout(refreshTimer);
      clearTimeout(reconnectTimer);
      calls.cancelIdle();
      void registerer.unregister().catch(() => {}).finally(() => ua.stop().catch(() => {}));
    },
  };
}

/**
 * A stand-in for Twilio's voice gateway, for browser tests of the Twilio engine. Playwright routes
 * the Voice SDK's own signaling WebSocket (`wss://voice-js.roaming.twilio.com/signal`) here, and
 * the stand-in answers as Twilio does: it checks the AccessToken (signature, key, account, grant),
 * registers the identity, and runs each call the way Twilio runs TwiML: it posts CareFlow's signed
 * webhooks, reads the TwiML, rings an outside phone (`outside-phone.ts`) or the user's browsers,
 * relays offer and answer, and posts the `<Dial>` action with the outcome.
 */
import { jwtVerify } from "jose";
import type { BrowserContext, WebSocketRoute } from "playwright-core";
import { eventually } from "../../testing/eventually.ts";
import { AUTH_TOKEN, signedPost, TWILIO_ENV } from "./twilio.ts";
import type { OutsidePhone } from "./outside-phone.ts";

export const SIGNALING_URL = "wss://voice-js.roaming.twilio.com/signal";

/** One Device's socket: who it is once its token was accepted, and whether it registered. */
interface Socket {
  ws: WebSocketRoute;
  identity: string | null;
  registered: boolean;
}

/** A call the gateway carries: its leg to the browser(s) and to the outside phone. */
interface Leg {
  callSid: string;
  /** Where the `<Dial>` reports back (the TwiML's action, with its query). */
  action: string;
  phone: OutsidePhone;
  answeredAt: number | null;
  /** The browser socket on the call (the answering one for a call in). */
  socket: Socket | null;
  /** Sockets still ringing for a call in. */
  ringing: Socket[];
  /** The `<Dial>`'s attributes (its recording callback among them). */
  dial: Record<string, string>;
  /** The TwiML the action answered with once the call was over. */
  after: string | null;
  done: boolean;
}

export interface TwilioGateway {
  /** Set: every token is refused, as Twilio refuses a bad or revoked one (31204). */
  refuseTokens: boolean;
  /** Set: the lifetime Twilio says tokens have left (the SDK renews 10 s before it ends). */
  tokenTtlSeconds?: number;
  /** Where Twilio's REST stand-in serves recording `sid`: set, recorded calls call back. */
  recordingUrl?: (recordingSid: string) => string;
  /** Routes a browser context's Twilio signaling here (before its pages open). */
  attach(context: BrowserContext): Promise<void>;
  /** Outside phones by number, rung when TwiML dials them. */
  phones: Map<string, OutsidePhone>;
  /** Every message a Device sent, in order (`dtmf` among them). */
  received: { identity: string | null; type: string; payload: Record<string, unknown> }[];
  /** TwiML documents CareFlow answered with, in order. */
  twiml: string[];
  /** Registered sockets of `identity`. */
  registered(identity: string): number;
  /** `phone` calls the organisation's number and keys in `digits` when asked. */
  callIn(phone: OutsidePhone, digits: string): Promise<string>;
  /** The outside phone on `callSid` hangs up. */
  hangUpFromPhone(callSid: string): Promise<void>;
  /** Waits for the call's `<Dial>` to have reported back; returns what CareFlow answered. */
  finished(callSid: string): Promise<string>;
  /** The CallSids of the calls so far, oldest first. */
  callSids(): string[];
  /** After a `<Record>` (voicemail): the caller's message is taken and its callback posted. */
  leaveMessage(callSid: string, recordingUrl: (recordingSid: string) => string): Promise<string>;
}

const sid = (prefix: string) =>
  prefix + [...crypto.getRandomValues(new Uint8Array(16))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");

/** The first `<tag …>body</tag>` or `<tag …/>` of `xml`: its attributes and body. */
function element(xml: string, tag: string) {
  const match = new RegExp(`<${tag}((?:\\s[^>]*?)?)(?:/>|>([\\s\\S]*?)</${tag}>)`).exec(xml);
  if (!match) return null;
  const attrs = Object.fromEntries(
    [...match[1].matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v.replaceAll("&amp;", "&")]),
  );
  return { attrs, body: match[2] ?? "" };
}

/**
 * Starts a gateway posting CareFlow's webhooks to the web app at `webUrl`, whose `PUBLIC_URL` it
 * must be (the signatures cover it, and the pages' origin must match it too).
 */
export function startTwilioGateway(webUrl: string): TwilioGateway {
  const sockets = new Set<Socket>();
  const legs = new Map<string, Leg>();
  const received: TwilioGateway["received"] = [];
  const twiml: string[] = [];
  const secret = new TextEncoder().encode(TWILIO_ENV.TWILIO_API_SECRET);

  /** Posts a webhook signed over its public URL, and keeps the TwiML it answers. */
  const post = async (path: string, params: Record<string, string>) => {
    const relative = path.startsWith(webUrl) ? path.slice(webUrl.length) : path;
    const response = await fetch(
      `${webUrl}${relative}`,
      signedPost(relative, params, AUTH_TOKEN, webUrl),
    );
    const body = await response.text();
    if (response.status !== 200 && response.status !== 204) {
      throw new Error(`${relative}: ${response.status} ${body}`);
    }
    if (body) twiml.push(body);
    return body;
  };
  const send = (socket: Socket, type: string, payload: Record<string, unknown>) =>
    socket.ws.send(JSON.stringify({ type, version: "1.6", payload }));

  const listen = async (socket: Socket, token: string) => {
    try {
      if (gateway.refuseTokens) throw new Error("refused");
      const { payload } = await jwtVerify(token, secret, {
        issuer: TWILIO_ENV.TWILIO_API_KEY,
        subject: TWILIO_ENV.TWILIO_ACCOUNT_SID,
      });
      // deno-lint-ignore no-explicit-any
      const grants = payload.grants as any;
      if (grants?.voice?.outgoing?.application_sid !== TWILIO_ENV.TWILIO_TWIML_APP_SID) {
        throw new Error("no voice grant for the TwiML app");
      }
      socket.identity = grants.identity;
      const ttl = gateway.tokenTtlSeconds ?? (payload.exp ?? 0) - Math.floor(Date.now() / 1000);
      send(socket, "connected", {
        region: "us1",
        home: "us1",
        token: { identity: grants.identity, ttl },
      });
    } catch {
      send(socket, "error", { error: { code: 31204, message: "JWT is invalid" } });
    }
  };

  /** Ends a leg once: the `<Dial>` reports how it went, and the other side is told. */
  const finish = async (leg: Leg, status: string) => {
    if (leg.done) return;
    leg.done = true;
    for (const socket of leg.ringing) send(socket, "cancel", { callsid: leg.callSid });
    if (leg.socket) send(leg.socket, "hangup", { callsid: leg.callSid });
    await leg.phone.hangUp();
    const duration = leg.answeredAt ? Math.round((Date.now() - leg.answeredAt) / 1000) : 0;
    leg.after = await post(leg.action, {
      AccountSid: TWILIO_ENV.TWILIO_ACCOUNT_SID,
      CallSid: leg.callSid,
      DialCallSid: sid("CA"),
      DialCallStatus: status,
      DialCallDuration: String(duration),
    });
    if (leg.answeredAt && leg.dial.recordingStatusCallback && gateway.recordingUrl) {
      const recordingSid = sid("RE");
      await post(leg.dial.recordingStatusCallback, {
        AccountSid: TWILIO_ENV.TWILIO_ACCOUNT_SID,
        CallSid: leg.callSid,
        RecordingSid: recordingSid,
        RecordingUrl: gateway.recordingUrl(recordingSid),
        RecordingStatus: "completed",
        RecordingDuration: String(duration),
        RecordingChannels: "2",
      });
    }
  };

  /** A browser's call out: the voice webhook's `<Dial><Number>`, rung on the outside phone. */
  const callOut = async (socket: Socket, payload: Record<string, unknown>) => {
    const params = new URLSearchParams(
      String((payload.twilio as { params?: string })?.params ?? ""),
    );
    const callSid = sid("CA");
    const from = `client:${socket.identity}`;
    const body = await post("/api/webhooks/twilio/voice", {
      AccountSid: TWILIO_ENV.TWILIO_ACCOUNT_SID,
      ApplicationSid: TWILIO_ENV.TWILIO_TWIML_APP_SID,
      CallSid: callSid,
      Caller: from,
      From: from,
      To: params.get("To") ?? "",
      Direction: "inbound",
    });
    const dial = element(body, "Dial");
    const number = dial && element(dial.body, "Number");
    const phone = number && legsPhone(number.body);
    if (!dial || !phone) return send(socket, "hangup", { callsid: payload.callsid });
    const leg: Leg = {
      callSid,
      action: dial.attrs.action,
      phone,
      answeredAt: null,
      socket,
      ringing: [],
      dial: dial.attrs,
      after: null,
      done: false,
    };
    legs.set(callSid, leg);
    send(socket, "ringing", { callsid: callSid });
    if (phone.behaviour === "busy") return await finish(leg, "busy");
    if (phone.behaviour === "no-answer") return;
    const answer = await phone.answer(String(payload.sdp));
    leg.answeredAt = Date.now();
    send(socket, "answer", { callsid: callSid, sdp: answer });
  };
  const legsPhone = (number: string) => gateway.phones.get(number.trim()) ?? null;
  const legOf = (socket: Socket, callsid: unknown) =>
    legs.get(String(callsid)) ??
      [...legs.values()].find((leg) => leg.socket === socket && !leg.done) ?? null;

  const onMessage = async (socket: Socket, raw: string | Buffer) => {
    const { type, payload = {} } = JSON.parse(String(raw));
    if (type === "listen") await listen(socket, String(payload.token));
    // After a listen, so it is named for whom its token was.
    received.push({ identity: socket.identity, type, payload });
    if (type === "listen") return;
    if (!socket.identity) {
      return send(socket, "error", { error: { code: 31204, message: "JWT is invalid" } });
    }
    if (type === "register") {
      socket.registered = true;
      return send(socket, "ready", {});
    }
    if (type === "invite") return await callOut(socket, payload);
    const leg = legOf(socket, payload.callsid);
    if (!leg || leg.done) return;
    if (type === "hangup") {
      if (leg.socket === socket) leg.socket = null;
      await finish(leg, leg.answeredAt ? "completed" : "canceled");
    } else if (type === "answer" && leg.ringing.includes(socket)) {
      leg.ringing = leg.ringing.filter((other) => other !== socket);
      for (const other of leg.ringing) send(other, "cancel", { callsid: leg.callSid });
      leg.ringing = [];
      leg.socket = socket;
      await leg.phone.accept(String(payload.sdp));
      leg.answeredAt = Date.now();
      send(socket, "answer", { callsid: leg.callSid });
    } else if (type === "reject" && leg.ringing.includes(socket)) {
      leg.ringing = leg.ringing.filter((other) => other !== socket);
      await finish(leg, "busy");
    }
  };

  const gateway: TwilioGateway = {
    refuseTokens: false,
    phones: new Map(),
    received,
    twiml,
    async attach(context) {
      await context.routeWebSocket(SIGNALING_URL, (ws) => {
        const socket: Socket = { ws, identity: null, registered: false };
        sockets.add(socket);
        ws.onMessage((message) =>
          void onMessage(socket, message).catch((error) => {
            console.error("twilio gateway:", error);
          })
        );
        ws.onClose(() => {
          sockets.delete(socket);
          for (const leg of legs.values()) {
            leg.ringing = leg.ringing.filter((other) => other !== socket);
            if (leg.socket === socket && !leg.done) void finish(leg, "completed");
          }
        });
      });
    },
    registered: (identity) =>
      [...sockets].filter((s) => s.identity === identity && s.registered).length,
    async callIn(phone, digits) {
      const callSid = sid("CA");
      const call = {
        AccountSid: TWILIO_ENV.TWILIO_ACCOUNT_SID,
        CallSid: callSid,
        Caller: phone.number,
        From: phone.number,
        To: TWILIO_ENV.TWILIO_PHONE_NUMBER,
        Direction: "inbound",
      };
      const asked = element(await post("/api/webhooks/twilio/voice", call), "Gather");
      if (!asked) throw new Error("the call in was not asked for a number");
      const body = await post(asked.attrs.action, { ...call, Digits: digits });
      const dial = element(body, "Dial");
      const client = dial && element(dial.body, "Client");
      if (!dial || !client) return callSid;
      const identity = element(client.body, "Identity")?.body ?? client.body.trim();
      const parameters = [...client.body.matchAll(/<Parameter name="(\w+)" value="([^"]*)"\/>/g)];
      const leg: Leg = {
        callSid,
        action: dial.attrs.action,
        phone,
        answeredAt: null,
        socket: null,
        ringing: [...sockets].filter((s) => s.identity === identity && s.registered),
        dial: dial.attrs,
        after: null,
        done: false,
      };
      legs.set(callSid, leg);
      if (leg.ringing.length === 0) {
        await finish(leg, "no-answer");
        return callSid;
      }
      const sdp = await phone.offer();
      const Params = new URLSearchParams(parameters.map(([, k, v]) => [k, v])).toString();
      for (const socket of leg.ringing) {
        send(socket, "invite", {
          callsid: callSid,
          sdp,
          parameters: { CallSid: callSid, From: phone.number, To: `client:${identity}`, Params },
        });
      }
      const timeout = Number(dial.attrs.timeout ?? 30) * 1000;
      setTimeout(() => {
        if (!leg.answeredAt) void finish(leg, "no-answer");
      }, timeout);
      return callSid;
    },
    async hangUpFromPhone(callSid) {
      const leg = legs.get(callSid);
      if (leg) await finish(leg, "completed");
    },
    async finished(callSid) {
      await eventually(`call ${callSid} to report back`, () => legs.get(callSid)?.after != null);
      return legs.get(callSid)!.after!;
    },
    callSids: () => [...legs.keys()],
    async leaveMessage(callSid, recordingUrl) {
      const record = element(await gateway.finished(callSid), "Record");
      if (!record) throw new Error("CareFlow did not offer to take a message");
      const recordingSid = sid("RE");
      const message = {
        AccountSid: TWILIO_ENV.TWILIO_ACCOUNT_SID,
        CallSid: callSid,
        RecordingSid: recordingSid,
        RecordingUrl: recordingUrl(recordingSid),
        RecordingStatus: "completed",
        RecordingDuration: "4",
      };
      await post(record.attrs.action, { ...message, Digits: "#" });
      await post(record.attrs.recordingStatusCallback, message);
      return recordingSid;
    },
  };
  return gateway;
}

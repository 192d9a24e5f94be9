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

const ACCOUNT = TWILIO_ENV.TWILIO_ACCOUNT_SID;
const send = (socket: Socket, type: string, payload: Record<string, unknown>) =>
  socket.ws.send(JSON.stringify({ type, version: "1.6", payload }));
const refuse = (socket: Socket) =>
  send(socket, "error", { error: { code: 31204, message: "JWT is invalid" } });

/**
 * Starts a gateway posting CareFlow's webhooks to the web app at `webUrl`, whose `PUBLIC_URL` it
 * must be (the signatures cover it, and the pages' origin must match it too).
 */
export function startTwilioGateway(webUrl: string): TwilioGateway {
  return new StandInGateway(webUrl);
}

class StandInGateway implements TwilioGateway {
  refuseTokens = false;
  tokenTtlSeconds?: number;
  recordingUrl?: (recordingSid: string) => string;
  phones = new Map<string, OutsidePhone>();
  received: TwilioGateway["received"] = [];
  twiml: string[] = [];
  #sockets = new Set<Socket>();
  #legs = new Map<string, Leg>();
  #secret = new TextEncoder().encode(TWILIO_ENV.TWILIO_API_SECRET);

  constructor(readonly webUrl: string) {}

  async attach(context: BrowserContext) {
    await context.routeWebSocket(SIGNALING_URL, (ws) => {
      const socket: Socket = { ws, identity: null, registered: false };
      this.#sockets.add(socket);
      ws.onMessage((message) =>
        void this.#onMessage(socket, message).catch((error) => {
          console.error("twilio gateway:", error);
        })
      );
      ws.onClose(() => {
        this.#sockets.delete(socket);
        for (const leg of this.#legs.values()) {
          leg.ringing = leg.ringing.filter((other) => other !== socket);
          if (leg.socket === socket && !leg.done) void this.#finish(leg, "completed");
        }
      });
    });
  }

  registered(identity: string) {
    return [...this.#sockets].filter((s) => s.identity === identity && s.registered).length;
  }

  async callIn(phone: OutsidePhone, digits: string) {
    const callSid = sid("CA");
    const call = {
      AccountSid: ACCOUNT,
      CallSid: callSid,
      Caller: phone.number,
      From: phone.number,
      To: TWILIO_ENV.TWILIO_PHONE_NUMBER,
      Direction: "inbound",
    };
    const asked = element(await this.#post("/api/webhooks/twilio/voice", call), "Gather");
    if (!asked) throw new Error("the call in was not asked for a number");
    const dial = element(await this.#post(asked.attrs.action, { ...call, Digits: digits }), "Dial");
    const client = dial && element(dial.body, "Client");
    if (!dial || !client) return callSid;
    const identity = element(client.body, "Identity")?.body ?? client.body.trim();
    const ringing = [...this.#sockets].filter((s) => s.identity === identity && s.registered);
    const leg = this.#open(callSid, dial.attrs, phone, null, ringing);
    if (ringing.length === 0) {
      await this.#finish(leg, "no-answer");
      return callSid;
    }
    const sdp = await phone.offer();
    const parameters = [...client.body.matchAll(/<Parameter name="(\w+)" value="([^"]*)"\/>/g)];
    const Params = new URLSearchParams(parameters.map(([, k, v]) => [k, v])).toString();
    for (const socket of ringing) {
      send(socket, "invite", {
        callsid: callSid,
        sdp,
        parameters: { CallSid: callSid, From: phone.number, To: `client:${identity}`, Params },
      });
    }
    setTimeout(() => {
      if (!leg.answeredAt) void this.#finish(leg, "no-answer");
    }, Number(dial.attrs.timeout ?? 30) * 1000);
    return callSid;
  }

  async hangUpFromPhone(callSid: string) {
    const leg = this.#legs.get(callSid);
    if (leg) await this.#finish(leg, "completed");
  }

  async finished(callSid: string) {
    await eventually(
      `call ${callSid} to report back`,
      () => this.#legs.get(callSid)?.after != null,
    );
    return this.#legs.get(callSid)!.after!;
  }

  callSids() {
    return [...this.#legs.keys()];
  }

  async leaveMessage(callSid: string, recordingUrl: (recordingSid: string) => string) {
    const record = element(await this.finished(callSid), "Record");
    if (!record) throw new Error("CareFlow did not offer to take a message");
    const recordingSid = sid("RE");
    const message = {
      AccountSid: ACCOUNT,
      CallSid: callSid,
      RecordingSid: recordingSid,
      RecordingUrl: recordingUrl(recordingSid),
      RecordingStatus: "completed",
      RecordingDuration: "4",
    };
    await this.#post(record.attrs.action, { ...message, Digits: "#" });
    await this.#post(record.attrs.recordingStatusCallback, message);
    return recordingSid;
  }

  /** Posts a webhook signed over its public URL, and keeps the TwiML it answers. */
  async #post(path: string, params: Record<string, string>): Promise<string> {
    const relative = path.startsWith(this.webUrl) ? path.slice(this.webUrl.length) : path;
    const response = await fetch(
      `${this.webUrl}${relative}`,
      signedPost(relative, params, AUTH_TOKEN, this.webUrl),
    );
    const body = await response.text();
    if (response.status !== 200 && response.status !== 204) {
      throw new Error(`${relative}: ${response.status} ${body}`);
    }
    if (body) this.twiml.push(body);
    return body;
  }

  #open(
    callSid: string,
    dial: Record<string, string>,
    phone: OutsidePhone,
    socket: Socket | null,
    ringing: Socket[],
  ): Leg {
    const leg: Leg = {
      callSid,
      action: dial.action,
      phone,
      answeredAt: null,
      socket,
      ringing,
      dial,
      after: null,
      done: false,
    };
    this.#legs.set(callSid, leg);
    return leg;
  }

  /** Checks the AccessToken as Twilio does: signature, key, account and the voice grant. */
  async #listen(socket: Socket, token: string) {
    try {
      if (this.refuseTokens) throw new Error("refused");
      const { payload } = await jwtVerify(token, this.#secret, {
        issuer: TWILIO_ENV.TWILIO_API_KEY,
        subject: ACCOUNT,
      });
      // deno-lint-ignore no-explicit-any
      const grants = payload.grants as any;
      if (grants?.voice?.outgoing?.application_sid !== TWILIO_ENV.TWILIO_TWIML_APP_SID) {
        throw new Error("no voice grant for the TwiML app");
      }
      socket.identity = grants.identity;
      const ttl = this.tokenTtlSeconds ?? (payload.exp ?? 0) - Math.floor(Date.now() / 1000);
      send(socket, "connected", {
        region: "us1",
        home: "us1",
        token: { identity: grants.identity, ttl },
      });
    } catch {
      refuse(socket);
    }
  }

  /** Ends a leg once: the `<Dial>` reports how it went, and the other side is told. */
  async #finish(leg: Leg, status: string) {
    if (leg.done) return;
    leg.done = true;
    for (const socket of leg.ringing) send(socket, "cancel", { callsid: leg.callSid });
    if (leg.socket) send(leg.socket, "hangup", { callsid: leg.callSid });
    await leg.phone.hangUp();
    const duration = leg.answeredAt ? Math.round((Date.now() - leg.answeredAt) / 1000) : 0;
    leg.after = await this.#post(leg.action, {
      AccountSid: ACCOUNT,
      CallSid: leg.callSid,
      DialCallSid: sid("CA"),
      DialCallStatus: status,
      DialCallDuration: String(duration),
    });
    if (leg.answeredAt && leg.dial.recordingStatusCallback && this.recordingUrl) {
      const recordingSid = sid("RE");
      await this.#post(leg.dial.recordingStatusCallback, {
        AccountSid: ACCOUNT,
        CallSid: leg.callSid,
        RecordingSid: recordingSid,
        RecordingUrl: this.recordingUrl(recordingSid),
        RecordingStatus: "completed",
        RecordingDuration: String(duration),
        RecordingChannels: "2",
      });
    }
  }

  /** A browser's call out: the voice webhook's `<Dial><Number>`, rung on the outside phone. */
  async #callOut(socket: Socket, payload: Record<string, unknown>) {
    const params = new URLSearchParams(
      String((payload.twilio as { params?: string })?.params ?? ""),
    );
    const callSid = sid("CA");
    const from = `client:${socket.identity}`;
    const body = await this.#post("/api/webhooks/twilio/voice", {
      AccountSid: ACCOUNT,
      ApplicationSid: TWILIO_ENV.TWILIO_TWIML_APP_SID,
      CallSid: callSid,
      Caller: from,
      From: from,
      To: params.get("To") ?? "",
      Direction: "inbound",
    });
    const dial = element(body, "Dial");
    const number = dial && element(dial.body, "Number");
    const phone = number && this.phones.get(number.body.trim());
    if (!dial || !phone) return send(socket, "hangup", { callsid: payload.callsid });
    const leg = this.#open(callSid, dial.attrs, phone, socket, []);
    send(socket, "ringing", { callsid: callSid });
    if (phone.behaviour === "busy") return await this.#finish(leg, "busy");
    if (phone.behaviour === "no-answer") return;
    const answer = await phone.answer(String(payload.sdp));
    leg.answeredAt = Date.now();
    send(socket, "answer", { callsid: callSid, sdp: answer });
  }

  async #onMessage(socket: Socket, raw: string | Buffer) {
    const { type, payload = {} } = JSON.parse(String(raw));
    if (type === "listen") await this.#listen(socket, String(payload.token));
    // After a listen, so it is named for whom its token was.
    this.received.push({ identity: socket.identity, type, payload });
    if (type === "listen") return;
    if (!socket.identity) return refuse(socket);
    if (type === "register") {
      socket.registered = true;
      return send(socket, "ready", {});
    }
    if (type === "invite") return await this.#callOut(socket, payload);
    const leg = this.#legs.get(String(payload.callsid)) ??
      [...this.#legs.values()].find((l) => l.socket === socket && !l.done);
    if (!leg || leg.done) return;
    if (type === "hangup") {
      if (leg.socket === socket) leg.socket = null;
      await this.#finish(leg, leg.answeredAt ? "completed" : "canceled");
    } else if (type === "answer" && leg.ringing.includes(socket)) {
      for (const other of leg.ringing) {
        if (other !== socket) send(other, "cancel", { callsid: leg.callSid });
      }
      leg.ringing = [];
      leg.socket = socket;
      await leg.phone.accept(String(payload.sdp));
      leg.answeredAt = Date.now();
      send(socket, "answer", { callsid: leg.callSid });
    } else if (type === "reject" && leg.ringing.includes(socket)) {
      leg.ringing = leg.ringing.filter((other) => other !== socket);
      await this.#finish(leg, "busy");
    }
  }
}

/**
 * Test kit for Twilio's side: its configuration, webhooks posted and signed exactly as Twilio
 * does (the `twilio` library's own signing over the public URL), and a small TwiML reader.
 */
import assert from "node:assert/strict";
import { serveWeb } from "../http/serve.ts";
import twilio from "twilio";

export const AUTH_TOKEN = "f".repeat(32);
export const PUBLIC_URL = "https://care.example.org";
export const TWILIO_ENV = {
  PUBLIC_URL,
  TWILIO_ACCOUNT_SID: `AC${"1".repeat(32)}`,
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_API_KEY: `SK${"2".repeat(32)}`,
  TWILIO_API_SECRET: "api-secret-0123456789",
  TWILIO_TWIML_APP_SID: `AP${"3".repeat(32)}`,
  TWILIO_PHONE_NUMBER: "+15550100000",
  OUTSIDE_CALL_PREFIXES: "+44,+1",
};
export const CALL_SID = `CA${"a".repeat(32)}`;

/** What Twilio's voice webhook carries for a browser call through the TwiML app. */
export function browserCall(from: string, to: string, callSid = CALL_SID): Record<string, string> {
  return {
    AccountSid: TWILIO_ENV.TWILIO_ACCOUNT_SID,
    ApplicationSid: TWILIO_ENV.TWILIO_TWIML_APP_SID,
    CallSid: callSid,
    Caller: from,
    From: from,
    To: to,
  };
}

/** What it carries for a phone calling the organisation's number. */
export function phoneCall(from: string, callSid = CALL_SID): Record<string, string> {
  return {
    AccountSid: TWILIO_ENV.TWILIO_ACCOUNT_SID,
    CallSid: callSid,
    Caller: from,
    From: from,
    To: TWILIO_ENV.TWILIO_PHONE_NUMBER,
  };
}

/** A webhook as Twilio sends it: `path` (with query) relative to the public URL. */
export function signedPost(
  path: string,
  params: Record<string, string>,
  token = AUTH_TOKEN,
  publicUrl = PUBLIC_URL,
) {
  const signature = twilio.getExpectedTwilioSignature(token, `${publicUrl}${path}`, params);
  return {
    method: "POST",
    body: new URLSearchParams(params).toString(),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": signature,
    },
  };
}

/** The TwiML's verbs in order with their attributes, and any nested verbs (a tiny reader). */
export function verbs(xml: string): string[] {
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?><Response>/);
  return [...xml.matchAll(/<([A-Z][A-Za-z]*)([^>]*)>/g)].map(([, name, attrs]) => `${name}${attrs}`)
    .filter((verb) => !verb.startsWith("Response"));
}

export function attr(verb: string, name: string): string | undefined {
  return verb.match(new RegExp(`${name}="([^"]*)"`))?.[1]?.replaceAll("&amp;", "&");
}

/** What the stand-in for Twilio's REST API saw. */
export interface TwilioStandIn {
  origin: string;
  /** `GET …/Recordings/RE….mp3` and `DELETE …/Recordings/RE….json`, with their auth. */
  requests: { method: string; path: string; authorized: boolean }[];
  /** The MP3 bytes it serves for every recording. */
  audio: Uint8Array;
  /** The next this many media downloads answer 503, as Twilio does on a bad moment. */
  failNext: number;
  /** Pointed at the stand-in: the real `twilio` library's request client, and media fetches. */
  httpClient: InstanceType<typeof twilio.RequestClient>;
  fetchImpl: typeof fetch;
  close(): Promise<void>;
}

/** A local server answering as Twilio's REST API does for recordings (media and deletion). */
export async function startTwilioStandIn(): Promise<TwilioStandIn> {
  const requests: TwilioStandIn["requests"] = [];
  const audio = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, ...new Array(2000).fill(7)]);
  const expected = `Basic ${btoa(`${TWILIO_ENV.TWILIO_ACCOUNT_SID}:${AUTH_TOKEN}`)}`;
  // On web's own server: in a process serving web, Deno.serve would refuse its Responses.
  const server = await serveWeb({ fetch: (request) => answer(request) }, {
    hostname: "127.0.0.1",
    port: 0,
  });
  function answer(request: Request): Response {
    const { pathname } = new URL(request.url);
    const authorized = request.headers.get("authorization") === expected;
    requests.push({ method: request.method, path: pathname, authorized });
    if (!authorized) return new Response("unauthorized", { status: 401 });
    if (request.method === "GET" && pathname.endsWith(".mp3") && standIn.failNext > 0) {
      standIn.failNext--;
      return new Response("unavailable", { status: 503 });
    }
    if (request.method === "GET" && pathname.endsWith(".mp3")) {
      return new Response(audio, { headers: { "content-type": "audio/mpeg" } });
    }
    if (request.method === "DELETE") return new Response(null, { status: 204 });
    return new Response("not found", { status: 404 });
  }
  const origin = `http://127.0.0.1:${server.port}`;
  const toStandIn = (url: string) => url.replace("https://api.twilio.com", origin);
  class StandInClient extends twilio.RequestClient {
    override request<T>(options: Parameters<twilio.RequestClient["request"]>[0]) {
      const moved = { ...options, uri: toStandIn(options.uri) } as typeof options;
      return super.request<T>(moved as never);
    }
  }
  const standIn: TwilioStandIn = {
    origin,
    requests,
    audio,
    failNext: 0,
    httpClient: new StandInClient(),
    fetchImpl: (input, init) => fetch(toStandIn(String(input)), init),
    close: () => server.shutdown(),
  };
  return standIn;
}

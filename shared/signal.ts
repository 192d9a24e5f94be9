/**
 * Browser ↔ web signaling for peer-to-peer (webrtc mode) calls: one WebSocket per tab, one JSON
 * object per frame. Both sides validate every frame with these schemas; the server never trusts a
 * client's idea of who it is (`from` is always set by the server, and a `from` sent by a client is
 * stripped by the schema).
 *
 * Flow: caller `invite` → callee tabs `ringing` → one callee tab `accept` → caller `offer` →
 * callee `answer` → both `candidate`s (trickle ICE) → `hold`/`unhold`/re-`offer`, `record` (and
 * the other party's `record-refused`) → `hangup`.
 * Blind transfer: a party sends `transfer` naming a colleague; the other party (the transferee) is
 * sent `transfer` with a signed grant and invites that colleague itself (`invite` with `transfer`),
 * hearing ringback as for any call; the transferor's call ends (`ended`, reason `transferred`).
 * A tab treats any server `reject`, `cancel`, `hangup` or `ended` for a call as the end of that
 * call for itself; `reason` says why.
 */
import { z } from "zod";
import { care4wIdSchema as care4wId, partySchema } from "./schemas.ts";

/** Largest frame accepted from a browser, in UTF-16 code units (checked before JSON parsing). */
export const MAX_FRAME_LENGTH = 32 * 1024;
/** Largest SDP body: real audio offers are 2-6 KB, so 20 KB leaves room without inviting abuse. */
export const MAX_SDP_LENGTH = 20 * 1024;
/** Largest ICE candidate line; real ones are under 300 characters. */
export const MAX_CANDIDATE_LENGTH = 2048;

/** Why a call ended, as told to a tab. */
export const END_REASONS = [
  "unavailable",
  "busy",
  "missed",
  "answered-elsewhere",
  "declined",
  "cancelled",
  "hangup",
  "failed",
  /** The callee answered but has no microphone (blocked or missing): the call failed. */
  "no-microphone",
  /** This party handed the call to someone else (a blind transfer) and left it. */
  "transferred",
] as const;
export type EndReason = (typeof END_REASONS)[number];

/** Codes of server `error` frames. */
export const ERROR_CODES = [
  "invalid_message",
  "too_large",
  "unknown_call",
  "not_in_call",
  "bad_state",
  "unknown_user",
  "self_call",
  "in_call",
  "duplicate_call",
  "rate_limited",
  "capacity",
  "internal",
  /** Glare: the person invited is calling the sender at this moment; their invite follows. */
  "crossed",
  /** A resume ticket that is not valid (forged, for another user or tab, or too old). */
  "bad_ticket",
] as const;
export type SignalErrorCode = (typeof ERROR_CODES)[number];

const callId = z.uuid();
const sdp = z.string().min(1).max(MAX_SDP_LENGTH);

/** The fields of `RTCIceCandidateInit`; an empty `candidate` string means end-of-candidates. */
export const iceCandidateSchema = z.object({
  candidate: z.string().max(MAX_CANDIDATE_LENGTH),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(255).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});
export type IceCandidate = z.infer<typeof iceCandidateSchema>;

const bare = <T extends string>(type: T) => z.object({ type: z.literal(type), callId });

/** A signed, opaque token: base64url payload, a dot, base64url HMAC. */
const ticket = z.string().min(10).max(4096).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

/** Every frame a browser may send. Unknown keys (such as a forged `from`) are stripped. */
export const clientMessageSchema = z.discriminatedUnion("type", [
  /**
   * `transfer`: the grant of a `transfer` frame, when this call is the transferee's new one;
   * `consult`: the call this tab holds meanwhile (it asks the colleague first, to transfer it).
   */
  z.object({
    type: z.literal("invite"),
    callId,
    to: care4wId,
    transfer: ticket.optional(),
    consult: callId.optional(),
  }),
  bare("ringing"),
  bare("accept"),
  /**
   * `no-microphone`: the callee tried to answer but its microphone is not available; `busy`: a
   * call waiting sent to voicemail (the caller hears busy and may leave a message).
   */
  bare("reject").extend({ reason: z.enum(["no-microphone", "busy"]).optional() }),
  bare("cancel"),
  /** `failed`: the media path broke and could not be restored; both sides are told so. */
  /** `transferred`: the call ends because the other party's new one replaces it. */
  bare("hangup").extend({ reason: z.enum(["failed", "transferred"]).optional() }),
  z.object({ type: z.literal("offer"), callId, sdp }),
  z.object({ type: z.literal("answer"), callId, sdp }),
  z.object({ type: z.literal("candidate"), callId, candidate: iceCandidateSchema }),
  bare("hold"),
  bare("unhold"),
  /** This party starts (true) or stops (false) recording the call; the other is told. */
  z.object({ type: z.literal("record"), callId, recording: z.boolean() }),
  /** The other party does not consent: the recorder stops and discards what it has. */
  bare("record-refused"),
  /**
   * Hands the other party of this answered call to `to`, leaving the call: blind, or (`replaces`:
   * this tab's call with `to`, asked first) attended, the new call taking that one's place.
   */
  z.object({ type: z.literal("transfer"), callId, to: care4wId, replaces: callId.optional() }),
  /**
   * After reconnecting, a tab still in an answered call presents the call's ticket, so the call
   * goes on even when the server restarted meanwhile. `endedAt` (ms since epoch): the user hung
   * up while the signaling was down; the call ends then.
   */
  z.object({
    type: z.literal("resume"),
    callId,
    ticket,
    endedAt: z.number().int().positive().optional(),
  }),
  /**
   * Not about a call: the tab's page is visible and had input just now (true), or was hidden
   * (false). Colleagues see the user "away" while no tab is active (shared/presence.ts).
   */
  z.object({ type: z.literal("activity"), active: z.boolean() }),
]);
/** Every frame a browser may send, `activity` included (what the server parses). */
export type TabMessage = z.infer<typeof clientMessageSchema>;
/** A frame about one call: every client frame but `activity` (each names its `callId`). */
export type ClientMessage = Exclude<TabMessage, { type: "activity" }>;
export type ClientMessageType = TabMessage["type"];

const relayed = <T extends string>(type: T) =>
  z.object({ type: z.literal(type), callId, from: partySchema });
const ending = <T extends string>(type: T) =>
  z.object({ type: z.literal(type), callId, from: partySchema, reason: z.enum(END_REASONS) });

/** Every frame the server may send to a browser. */
export const serverMessageSchema = z.discriminatedUnion("type", [
  /**
   * `transferredBy`: the colleague who handed the caller over to this callee; `replaces`: their
   * call with this tab that the new one takes the place of (an attended transfer: no ringing).
   */
  relayed("invite").extend({ transferredBy: partySchema.optional(), replaces: callId.optional() }),
  relayed("ringing"),
  relayed("accept"),
  ending("reject"),
  ending("cancel"),
  ending("hangup"),
  relayed("offer").extend({ sdp }),
  relayed("answer").extend({ sdp }),
  relayed("candidate").extend({ candidate: iceCandidateSchema }),
  relayed("hold"),
  relayed("unhold"),
  relayed("record").extend({ recording: z.boolean() }),
  relayed("record-refused"),
  /**
   * `from` handed this call to `to`: this tab ends it and invites `to` itself, presenting `grant`
   * (absent when the server signs no grants; the new call is then a plain one).
   */
  relayed("transfer").extend({ to: partySchema, grant: ticket.optional() }),
  /** The call was answered: the ticket lets this tab resume it after a reconnect (`resume`). */
  z.object({ type: z.literal("ticket"), callId, ticket }),
  /** The call was restored after a restart: a tab still in it confirms with its `resume`. */
  z.object({ type: z.literal("resumed"), callId }),
  /** The server ended the call on its own (unavailable, busy, missed, failed). */
  z.object({ type: z.literal("ended"), callId, reason: z.enum(END_REASONS) }),
  /** The tab's own registration: sent once the tab can receive calls. */
  z.object({
    type: z.literal("presence"),
    care4wId,
    displayName: z.string().max(200),
    online: z.boolean(),
    connections: z.number().int().min(0),
  }),
  z.object({
    type: z.literal("error"),
    code: z.enum(ERROR_CODES),
    message: z.string().max(500),
    callId: callId.optional(),
  }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type ServerMessageType = ServerMessage["type"];
/** A server error frame. */
export type SignalError = Extract<ServerMessage, { type: "error" }>;

/** Server frame types that end a call for the tab receiving them. */
export const END_MESSAGE_TYPES: readonly ServerMessageType[] = [
  "reject",
  "cancel",
  "hangup",
  "ended",
];

/** True when `message` ends its call for the receiving tab. */
export function isCallEnd(
  message: ServerMessage,
): message is Extract<ServerMessage, { type: "reject" | "cancel" | "hangup" | "ended" }> {
  return END_MESSAGE_TYPES.includes(message.type);
}

/** A parse outcome: the typed message, or the error frame to send back. */
export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: SignalError };

/** Builds an error frame. */
export function signalError(
  code: SignalErrorCode,
  message: string,
  forCall?: string,
): SignalError {
  return forCall === undefined
    ? { type: "error", code, message }
    : { type: "error", code, message, callId: forCall };
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): ParseResult<T> {
  let value = raw;
  if (typeof raw === "string") {
    if (raw.length > MAX_FRAME_LENGTH) {
      return { ok: false, error: signalError("too_large", `frame exceeds ${MAX_FRAME_LENGTH}`) };
    }
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, error: signalError("invalid_message", "frame is not JSON") };
    }
  }
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  // Echo the callId back when it is readable so the client can tie the error to its call.
  const id = callId.safeParse((value as { callId?: unknown } | null)?.callId);
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  const text = `${where}${issue?.message ?? "invalid message"}`.slice(0, 500);
  return {
    ok: false,
    error: signalError("invalid_message", text, id.success ? id.data : undefined),
  };
}

/** Validates a browser frame (raw text or an already-parsed value). */
export function parseClientMessage(raw: unknown): ParseResult<TabMessage> {
  return parseWith(clientMessageSchema, raw);
}

/** Validates a server frame (raw text or an already-parsed value); used by the browser. */
export function parseServerMessage(raw: unknown): ParseResult<ServerMessage> {
  return parseWith(serverMessageSchema, raw);
}

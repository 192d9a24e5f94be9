/**
 * The words of a call, defined once for web, agent and the browser. Plain constants and types
 * (no zod), so browser code can import them without pulling a validator into its bundle; their
 * schemas are in `schemas.ts`.
 */

/** How a call is carried: browser to browser, through the SIP edge, or through Twilio. */
export const CALL_MODES = ["webrtc", "sip", "twilio"] as const;
export type CallMode = (typeof CALL_MODES)[number];

/**
 * Every final status a call can have. `busy`: the callee was on another call (the SIP path says
 * so; browser calls record a busy callee as `missed`, so it reads as a call to return);
 * `voicemail`: unanswered, and the caller left a message.
 */
export const CALL_STATUSES = [
  "completed",
  "missed",
  "declined",
  "cancelled",
  "unavailable",
  "busy",
  "voicemail",
  "failed",
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** A call as one of its parties sees it: placed by them, or to them. */
export const CALL_DIRECTIONS = ["inbound", "outbound"] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/** A party of a call, as shown to the other: who they are and how to call them back. */
export interface Party {
  care4wId: string;
  displayName: string;
}

/**
 * A party as records keep it (history, recordings): a CareFlow user (`care4wId`), or an outside
 * phone (`care4wId` null, `phone` its E.164 number and `displayName` what is known of it).
 */
export interface RecordParty {
  care4wId: string | null;
  phone: string | null;
  displayName: string;
}

/** Call quality as measured on the media path (see `shared/quality.ts`). */
export interface CallQuality {
  /** Mean opinion score, 1 (bad) to 5 (excellent). */
  mos: number;
  jitterMs: number;
  lossPercent: number;
}

/** One ICE server for a browser's RTCPeerConnection (STUN, or TURN with credentials). */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** What to dial to reach a party again: its CareFlow ID, or its phone number. */
export function addressOf(party: RecordParty): string {
  return party.care4wId ?? party.phone ?? "";
}

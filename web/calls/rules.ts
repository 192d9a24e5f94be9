/** Pure rules of the call service: rate limiting and building the one record of a call. */
import type { CallMode, CallQuality, CallStatus, Party, RecordParty } from "../../shared/calls.ts";

/**
 * One finished call, written once by the server from what it relayed (browser calls) or from the
 * media side's CDR (SIP, Twilio). A party is a CareFlow user (user id and CareFlow ID) or, on the
 * SIP and Twilio paths, an outside phone (both null, its E.164 number in `*Phone`).
 */
export interface CallRecord {
  id: string;
  mode: CallMode;
  status: CallStatus;
  callerUserId: string | null;
  callerCare4wId: string | null;
  callerPhone: string | null;
  callerName: string;
  calleeUserId: string | null;
  calleeCare4wId: string | null;
  calleePhone: string | null;
  calleeName: string;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  /** Whole seconds between answer and end; 0 when never answered. */
  durationSeconds: number;
  /** The CareFlow ID of the party who recorded the call; null when nobody did. */
  recordedBy: string | null;
  /** Why the call ended, as the switch named it (Q.850 name); null for browser calls. */
  hangupCause: string | null;
  /** How it sounded (the worse side); null when nothing was measured. */
  quality: CallQuality | null;
  /** The colleague who handed the caller over to the callee (the call came from a transfer). */
  transferredBy: Party | null;
  /** The colleague a party handed the other one to, leaving the call (a blind transfer). */
  transferredTo: Party | null;
}

/** The caller or callee of a record, as a party. */
export function partyOf(call: CallRecord, side: "caller" | "callee"): RecordParty {
  return side === "caller"
    ? { care4wId: call.callerCare4wId, phone: call.callerPhone, displayName: call.callerName }
    : { care4wId: call.calleeCare4wId, phone: call.calleePhone, displayName: call.calleeName };
}

/** A CareFlow user as a party of a record. */
export function userParty(user: { care4wId: string; displayName: string }): RecordParty {
  return { care4wId: user.care4wId, phone: null, displayName: user.displayName };
}

/** A signed-in user as the call service sees them. */
export interface CallUser {
  userId: string;
  care4wId: string;
  displayName: string;
  /** From `lookupUser` only: false when the user takes no browser-to-browser calls (privacy). */
  acceptsDirectCalls?: boolean;
  /** From `lookupUser` only: true while the user has do-not-disturb on (calls answered busy). */
  doNotDisturb?: boolean;
  /** From `lookupUser` only: false when a call while they are on one is answered busy. */
  callWaiting?: boolean;
}

/**
 * Sliding-window rate limit: admits an attempt when fewer than `limit` happened in the last
 * `windowMs`. Returns the history to keep (pruned, plus this attempt when admitted).
 */
export function admitAttempt(
  history: readonly number[],
  nowMs: number,
  limit: number,
  windowMs: number,
): { allowed: boolean; history: number[] } {
  const recent = history.filter((t) => t > nowMs - windowMs);
  if (recent.length >= limit) return { allowed: false, history: recent };
  return { allowed: true, history: [...recent, nowMs] };
}

/** Whole seconds between answer and end; 0 when never answered. */
export function durationSeconds(answeredAt: Date | null, endedAt: Date): number {
  if (!answeredAt) return 0;
  return Math.max(0, Math.floor((endedAt.getTime() - answeredAt.getTime()) / 1000));
}

/** What a call record is built from. */
export interface RecordInput {
  callId: string;
  caller: CallUser;
  callee: CallUser;
  startedAt: Date;
  answeredAt: Date | null;
  /** See `CallRecord.recordedBy`; absent for calls that never connected. */
  recordedBy?: string | null;
  transferredBy?: Party | null;
  transferredTo?: Party | null;
}

/** The one record of a finished webrtc call. The call id doubles as the record id. */
export function buildCallRecord(call: RecordInput, status: CallStatus, endedAt: Date): CallRecord {
  return {
    id: call.callId,
    mode: "webrtc",
    status,
    callerUserId: call.caller.userId,
    callerCare4wId: call.caller.care4wId,
    callerPhone: null,
    callerName: call.caller.displayName,
    calleeUserId: call.callee.userId,
    calleeCare4wId: call.callee.care4wId,
    calleePhone: null,
    calleeName: call.callee.displayName,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    endedAt,
    durationSeconds: durationSeconds(call.answeredAt, endedAt),
    recordedBy: call.recordedBy ?? null,
    hangupCause: null,
    quality: null,
    transferredBy: call.transferredBy ?? null,
    transferredTo: call.transferredTo ?? null,
  };
}

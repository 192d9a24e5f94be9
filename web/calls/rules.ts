/** Pure rules of the call service: rate limiting and building the one record of a call. */
import type { CallMode, CallStatus } from "../../shared/calls.ts";

/** One finished call, written once by the server from what it relayed. */
export interface CallRecord {
  id: string;
  mode: CallMode;
  status: CallStatus;
  callerUserId: string;
  callerCare4wId: string;
  callerName: string;
  calleeUserId: string;
  calleeCare4wId: string;
  calleeName: string;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  /** Whole seconds between answer and end; 0 when never answered. */
  durationSeconds: number;
  /** The CareFlow ID of the party who recorded the call; null when nobody did. */
  recordedBy: string | null;
}

/** A signed-in user as the call service sees them. */
export interface CallUser {
  userId: string;
  care4wId: string;
  displayName: string;
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
}

/** The one record of a finished webrtc call. The call id doubles as the record id. */
export function buildCallRecord(call: RecordInput, status: CallStatus, endedAt: Date): CallRecord {
  return {
    id: call.callId,
    mode: "webrtc",
    status,
    callerUserId: call.caller.userId,
    callerCare4wId: call.caller.care4wId,
    callerName: call.caller.displayName,
    calleeUserId: call.callee.userId,
    calleeCare4wId: call.callee.care4wId,
    calleeName: call.callee.displayName,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    endedAt,
    durationSeconds: durationSeconds(call.answeredAt, endedAt),
    recordedBy: call.recordedBy ?? null,
  };
}

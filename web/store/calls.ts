/** Finished calls, as each party finds them in their history. */
import type { CallDirection, CallQuality, CallStatus } from "../../shared/calls.ts";
import type { CallRecord } from "../calls/rules.ts";

export interface CallQuery {
  /** 1-based page. */
  page: number;
  limit: number;
  direction?: CallDirection;
  status?: CallStatus;
  /** Inclusive lower bound on `startedAt`. */
  from?: Date;
  /** Exclusive upper bound on `startedAt`. */
  to?: Date;
  /** Case-insensitive substring of the other party's name or CareFlow ID. */
  q?: string;
}

export interface CallPage {
  calls: CallRecord[];
  total: number;
}

export interface CallStore {
  /** Inserts a finished call; returns false (and changes nothing) when the id already exists. */
  insertCall(call: CallRecord): Promise<boolean>;
  /** Calls the user took part in, newest first. Direction is as seen by `userId`. */
  listCallsForUser(userId: string, query: CallQuery): Promise<CallPage>;
  /** The call, only when `userId` took part in it. */
  getCallForUser(callId: string, userId: string): Promise<CallRecord | null>;
  /** Whether any call has this id (a new call must not reuse one: its record would be lost). */
  hasCall(callId: string): Promise<boolean>;
  /**
   * Notes what one side of a browser call measured: false (nothing changed) unless it is a
   * `webrtc` call `userId` took part in. When both sides report, the worse (lower MOS) stays.
   */
  recordCallQuality(callId: string, userId: string, quality: CallQuality): Promise<boolean>;
}

/**
 * The state machine of one call, as pure functions: given the call, who sent what and when, it
 * returns the next state and the effects (frames to send, the end of the call). The service in
 * `service.ts` carries the effects out; nothing here touches sockets, timers or the store.
 *
 * Ending verbs are read by state, not taken literally, because they race in real life (a caller's
 * "cancel" can cross the callee's "accept"): while ringing, any of reject/cancel/hangup from the
 * caller means cancelled and from the callee means declined; once answered, any of them from either
 * party means a completed call.
 */
import type { CallStatus, Party } from "../../shared/calls.ts";
import type { ClientMessage, ServerMessage, SignalError } from "../../shared/signal.ts";
import { signalError } from "../../shared/signal.ts";
import type { CallUser } from "./rules.ts";

/** A call that has not ended yet. */
export interface CallState {
  callId: string;
  phase: "ringing" | "answered";
  caller: CallUser;
  /** The caller's tab: the call belongs to the tab that sent the invite. */
  callerConnectionId: string;
  callee: CallUser;
  /** The callee's answering tab; null while every callee tab rings. */
  calleeConnectionId: string | null;
  startedAt: Date;
  answeredAt: Date | null;
  /** The caller hears "ringing" once, however many callee tabs report it. */
  ringingRelayed: boolean;
  /** The CareFlow ID of the party recording the call, if one is (the record keeps it). */
  recordedBy: string | null;
  /** Who handed the caller over to this callee (the call is the transferee's new one). */
  transferredBy?: Party | null;
  /** Whom a party handed the other one to, ending its part (a blind transfer). */
  transferredTo?: Party | null;
}

/** The tab a message came from; `userId` comes from its session, never from the payload. */
export interface Sender {
  userId: string;
  connectionId: string;
}

/** Where a frame goes: one tab, or every tab of a user (optionally all but one). */
export type Target =
  | { connectionId: string }
  | { userId: string; exceptConnectionId?: string };

/** Something the service must do. `end` comes last and means: record, release, forget. */
export type Effect =
  | { type: "send"; to: Target; frame: ServerMessage }
  | { type: "end"; status: CallStatus; endedAt: Date };

/** The outcome of one event. */
export interface Step {
  call: CallState;
  effects: Effect[];
}

/**
 * Messages handled by `applyMessage` (an invite creates a call instead, and a resume brings one
 * back: `resume.ts`).
 */
export type CallMessage = Exclude<
  ClientMessage,
  { type: "invite" } | { type: "resume" } | { type: "transfer" }
>;

/** A new call, ringing every tab of the callee. */
export function startCall(
  callId: string,
  caller: CallUser,
  callerConnectionId: string,
  callee: CallUser,
  now: Date,
  transfer: { transferredBy: Party; replaces?: string } | null = null,
): Step {
  const transferredBy = transfer?.transferredBy ?? null;
  const call: CallState = {
    callId,
    phase: "ringing",
    caller,
    callerConnectionId,
    callee,
    calleeConnectionId: null,
    startedAt: now,
    answeredAt: null,
    ringingRelayed: false,
    recordedBy: null,
    transferredBy,
  };
  const invite: ServerMessage = { type: "invite", callId, from: party(caller) };
  if (transfer) Object.assign(invite, transfer);
  return { call, effects: [{ type: "send", to: { userId: callee.userId }, frame: invite }] };
}

/** The public face of a user in frames. */
export function party(user: CallUser): Party {
  return { care4wId: user.care4wId, displayName: user.displayName };
}

/** Which side `sender` is on, or null when the sender is not part of the call. */
export function roleOf(call: CallState, sender: Sender): "caller" | "callee" | null {
  if (sender.userId === call.caller.userId && sender.connectionId === call.callerConnectionId) {
    return "caller";
  }
  if (sender.userId !== call.callee.userId) return null;
  // Before the answer every callee tab is part of the call; after it, only the answering one.
  if (call.phase === "ringing" || sender.connectionId === call.calleeConnectionId) return "callee";
  return null;
}

/** An error frame for the sender's tab. */
export const errorTo = (sender: Sender, frame: SignalError): Effect => ({
  type: "send",
  to: { connectionId: sender.connectionId },
  frame,
});

/** The caller's tab. */
export const callerTab = (call: CallState): Target => ({ connectionId: call.callerConnectionId });
/** The callee's answering tab, or every callee tab while it rings. */
export const calleeTab = (call: CallState): Target =>
  call.calleeConnectionId
    ? { connectionId: call.calleeConnectionId }
    : { userId: call.callee.userId };

/** Applies one validated message from `sender` to `call`. */
export function applyMessage(
  call: CallState,
  sender: Sender,
  message: CallMessage,
  now: Date,
): Step {
  const role = roleOf(call, sender);
  if (!role) {
    return {
      call,
      effects: [errorTo(sender, signalError("not_in_call", "not part of this call", call.callId))],
    };
  }
  const from = party(role === "caller" ? call.caller : call.callee);
  const otherTab = role === "caller" ? calleeTab(call) : callerTab(call);
  const { callId } = call;
  const badState = (why: string): Step => ({
    call,
    effects: [errorTo(sender, signalError("bad_state", why, callId))],
  });

  switch (message.type) {
    case "ringing":
      if (role !== "callee") return badState("only the callee rings");
      if (call.phase !== "ringing" || call.ringingRelayed) return { call, effects: [] };
      return {
        call: { ...call, ringingRelayed: true },
        effects: [{ type: "send", to: callerTab(call), frame: { type: "ringing", callId, from } }],
      };
    case "accept":
      if (role !== "callee") return badState("only the callee accepts");
      if (call.phase === "answered") return { call, effects: [] };
      return {
        call: {
          ...call,
          phase: "answered",
          calleeConnectionId: sender.connectionId,
          answeredAt: now,
        },
        effects: [
          { type: "send", to: callerTab(call), frame: { type: "accept", callId, from } },
          {
            type: "send",
            to: { userId: call.callee.userId, exceptConnectionId: sender.connectionId },
            frame: {
              type: "cancel",
              callId,
              from: party(call.caller),
              reason: "answered-elsewhere",
            },
          },
        ],
      };
    case "reject":
      if (message.reason && role === "callee" && call.phase === "ringing") {
        return refusedByCallee(call, sender, now, message.reason);
      }
      return endByParty(call, sender, role, now);
    case "cancel":
    case "hangup":
      return endByParty(
        call,
        sender,
        role,
        now,
        message.type === "hangup" ? message.reason : undefined,
      );
    case "offer":
    case "answer":
      if (call.phase !== "answered") return badState(`${message.type} before the call is answered`);
      return relay(call, otherTab, { type: message.type, callId, from, sdp: message.sdp });
    case "candidate":
      if (call.phase !== "answered") return badState("candidate before the call is answered");
      return relay(call, otherTab, {
        type: "candidate",
        callId,
        from,
        candidate: message.candidate,
      });
    case "hold":
    case "unhold":
      if (call.phase !== "answered") return badState(`${message.type} before the call is answered`);
      return relay(call, otherTab, { type: message.type, callId, from });
    case "record":
      if (call.phase !== "answered") return badState("record before the call is answered");
      return relay(
        // The first to record is the one the history names; stopping keeps the name.
        {
          ...call,
          recordedBy: message.recording ? call.recordedBy ?? from.care4wId : call.recordedBy,
        },
        otherTab,
        { type: "record", callId, from, recording: message.recording },
      );
    case "record-refused":
      if (call.phase !== "answered") return badState("record-refused before the call is answered");
      // The recording is discarded, so the call was not recorded after all.
      return relay({ ...call, recordedBy: null }, otherTab, {
        type: "record-refused",
        callId,
        from,
      });
  }
}

function relay(call: CallState, to: Target, frame: ServerMessage): Step {
  return { call, effects: [{ type: "send", to, frame }] };
}

/** What a refusal by the callee records. */
const REFUSED_STATUS = { declined: "declined", "no-microphone": "failed", busy: "missed" } as const;

/**
 * The callee refused the ringing call: declined; (`no-microphone`) answered without a
 * microphone, which failed the call rather than declined it; or (`busy`) a call waiting sent to
 * voicemail, heard as busy and kept as missed, to call back. The caller is told which, and the
 * callee's other tabs stop ringing.
 */
function refusedByCallee(
  call: CallState,
  sender: Sender,
  now: Date,
  why: "declined" | "no-microphone" | "busy",
): Step {
  const { callId } = call;
  const declined = why !== "no-microphone";
  return {
    call,
    effects: [
      {
        type: "send",
        to: callerTab(call),
        frame: { type: "reject", callId, from: party(call.callee), reason: why },
      },
      {
        type: "send",
        to: { userId: call.callee.userId, exceptConnectionId: sender.connectionId },
        frame: {
          type: "cancel",
          callId,
          from: party(call.caller),
          reason: declined ? "declined" : "failed",
        },
      },
      { type: "end", status: REFUSED_STATUS[why], endedAt: now },
    ],
  };
}

function endByParty(
  call: CallState,
  sender: Sender,
  role: "caller" | "callee",
  now: Date,
  reason: "failed" | "transferred" | undefined = undefined,
): Step {
  const { callId } = call;
  const end: Effect = {
    type: "end",
    status: call.phase === "answered" ? "completed" : role === "caller" ? "cancelled" : "declined",
    endedAt: now,
  };
  if (call.phase === "answered") {
    const from = party(role === "caller" ? call.caller : call.callee);
    const to = role === "caller" ? calleeTab(call) : callerTab(call);
    const frame: ServerMessage = { type: "hangup", callId, from, reason: reason ?? "hangup" };
    return { call, effects: [{ type: "send", to, frame }, end] };
  }
  if (role === "caller") {
    const frame: ServerMessage = {
      type: "cancel",
      callId,
      from: party(call.caller),
      reason: "cancelled",
    };
    return { call, effects: [{ type: "send", to: { userId: call.callee.userId }, frame }, end] };
  }
  return refusedByCallee(call, sender, now, "declined");
}

/** Nobody answered in time: missed, for both sides. */
export function applyRingTimeout(call: CallState, now: Date): Step {
  if (call.phase !== "ringing") return { call, effects: [] };
  const frame: ServerMessage = { type: "ended", callId: call.callId, reason: "missed" };
  return {
    call,
    effects: [
      { type: "send", to: callerTab(call), frame },
      { type: "send", to: { userId: call.callee.userId }, frame },
      { type: "end", status: "missed", endedAt: now },
    ],
  };
}

/** True when losing `connectionId` ends the call (after the grace period). */
export function dependsOn(call: CallState, connectionId: string): boolean {
  return connectionId === call.callerConnectionId || connectionId === call.calleeConnectionId;
}

/**
 * A tab the call depends on vanished and did not come back within the grace period: a ringing call
 * whose caller left failed; an answered call is completed, ending when the tab left (`goneAt`). The
 * remaining side is told the call failed. A ringing callee tab leaving ends nothing: the other tabs
 * keep ringing and the ring timeout still applies.
 */
export function applyConnectionLost(call: CallState, connectionId: string, goneAt: Date): Step {
  if (!dependsOn(call, connectionId)) return { call, effects: [] };
  const frame: ServerMessage = { type: "ended", callId: call.callId, reason: "failed" };
  const other = connectionId === call.callerConnectionId ? calleeTab(call) : callerTab(call);
  const status: CallStatus = call.phase === "answered" ? "completed" : "failed";
  return {
    call,
    effects: [{ type: "send", to: other, frame }, { type: "end", status, endedAt: goneAt }],
  };
}

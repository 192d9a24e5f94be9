/**
 * A tab's invite: the admission rules (one call id, rate and capacity limits, a callee who exists,
 * is not the caller, is online and is not busy or in do-not-disturb), then a call this instance
 * owns.
 */
import type { CallStatus, Party } from "../../shared/calls.ts";
import type { ClientMessage, SignalErrorCode } from "../../shared/signal.ts";
import { type CallState, type Sender, startCall } from "./call-state.ts";
import { apply, onEnvelope, startRingTimer } from "./owned.ts";
import type { RecordInput } from "./rules.ts";
import type { Runtime } from "./runtime.ts";
import {
  busyAddress,
  callAddress,
  type Envelope,
  glareAddress,
  type OwnedCall,
  type Tab,
} from "./types.ts";

/** Handles an invite from `tab`, in the call's serial queue. */
export async function invite(
  rt: Runtime,
  tab: Tab,
  sender: Sender,
  message: Extract<ClientMessage, { type: "invite" }>,
): Promise<void> {
  const { hub } = rt;
  const { callId } = message;
  const now = rt.clock.now();
  const fail = (code: SignalErrorCode, text: string) => rt.errorTo(sender, code, text, callId);
  // A call id is the history record's id: one already used (live here or elsewhere, or finished)
  // would make the new call's record a silent duplicate, so it is refused.
  if (
    rt.calls.has(callId) || await hub.isOnline(callAddress(callId)) ||
    await rt.options.callIdUsed?.(callId)
  ) {
    return fail("duplicate_call", "this call id is in use");
  }
  if (!rt.attempts.admit(sender.userId, now.getTime())) {
    return fail("rate_limited", `at most ${rt.maxAttempts} call attempts per minute`);
  }
  if (rt.calls.size >= rt.maxCalls) {
    return fail("capacity", "too many calls in progress, try again");
  }
  const found = await rt.options.lookupUser(message.to);
  if (!found) return fail("unknown_user", `no user ${message.to}`);
  const { acceptsDirectCalls, doNotDisturb, callWaiting, ...callee } = found;
  if (callee.userId === sender.userId) return fail("self_call", "you cannot call yourself");
  if (!rt.rings.admit(callee.userId, now.getTime())) {
    return fail("rate_limited", "this person is being called too often, try again in a minute");
  }
  // Glare: the callee is ringing the sender right now. The owner of that call tells the sender
  // (`crossed`) and rings this tab with it; this invite never rings anyone, so it leaves no record.
  if (await hub.isOnline(glareAddress(callee.userId, sender.userId))) {
    const envelope: Envelope = { kind: "crossed", sender, callId };
    return await hub.publish(glareAddress(callee.userId, sender.userId), envelope);
  }
  if (await hub.isOnline(busyAddress(sender.userId)) && !(await mayConsult(rt, tab, message))) {
    return fail("in_call", "already on a call");
  }
  // The transferee's call to the colleague it was handed to: the grant says who handed it over.
  let transfer: { transferredBy: Party; replaces?: string } | null = null;
  if (message.transfer) {
    const grant = rt.tickets?.readGrant(message.transfer, now);
    if (!grant || grant.transfereeUserId !== sender.userId || grant.to !== message.to) {
      return fail("bad_ticket", "this transfer is not valid any more");
    }
    transfer = grant.replaces
      ? { transferredBy: grant.by, replaces: grant.replaces }
      : { transferredBy: grant.by };
  }

  const input: RecordInput = {
    callId,
    caller: tab.user,
    callee,
    startedAt: now,
    answeredAt: null,
    transferredBy: transfer?.transferredBy ?? null,
  };
  const endAtOnce = async (status: CallStatus, reason: "unavailable" | "busy") => {
    await rt.record(input, status, now);
    await rt.sendTo({ connectionId: sender.connectionId }, { type: "ended", callId, reason });
  };
  // Someone who takes no direct calls is, to the caller and in the record, simply not available:
  // the caller learns nothing more (not even whether they are online).
  if (acceptsDirectCalls === false || !(await hub.isOnline(callee.userId))) {
    return endAtOnce("unavailable", "unavailable");
  }
  // Call waiting: a callee already on a call is rung all the same (softly, on the tab in the
  // call), unless they turned it off; then the caller hears "busy" and the record says `missed`
  // so the callee's history shows who tried to reach them, to call back. Do-not-disturb answers
  // exactly as busy with call waiting off: nothing rings.
  if (doNotDisturb) return endAtOnce("missed", "busy");
  // An attended transfer's call replaces the callee's own call with the transferor: not waiting.
  const waits = !transfer?.replaces && await hub.isOnline(busyAddress(callee.userId));
  if (callWaiting === false && waits) return endAtOnce("missed", "busy");

  const step = startCall(callId, tab.user, sender.connectionId, callee, now, transfer);
  const owned = await own(rt, step.call);
  startRingTimer(rt, owned);
  await apply(rt, owned, step);
}

/**
 * A second call of a user already on one: only to ask a colleague before transferring the call
 * this very tab has (`consult`), and never a third.
 */
async function mayConsult(
  rt: Runtime,
  tab: Tab,
  message: Extract<ClientMessage, { type: "invite" }>,
): Promise<boolean> {
  if (!message.consult || !tab.calls.has(message.consult)) return false;
  return (await rt.hub.connectionCount(busyAddress(tab.user.userId))) < 2;
}

/**
 * Makes this instance the owner of `state`: its address (where other instances forward the
 * call's messages), both parties' busy addresses, and while it rings, the glare address its
 * callee's crossing invite would find.
 */
export async function own(rt: Runtime, state: CallState): Promise<OwnedCall> {
  const { hub } = rt;
  const { callId, caller, callee } = state;
  const noop = () => {};
  const owned: OwnedCall = {
    state,
    graceTimers: new Map(),
    registrations: [
      hub.register(
        callAddress(callId),
        `call:${callId}`,
        (m) => void onEnvelope(rt, callId, m as Envelope),
      ),
      hub.register(busyAddress(caller.userId), `busy:${callId}:caller`, noop),
      hub.register(busyAddress(callee.userId), `busy:${callId}:callee`, noop),
      ...(state.phase === "ringing"
        ? [hub.register(
          glareAddress(caller.userId, callee.userId),
          `glare:${callId}`,
          (m) => void onEnvelope(rt, callId, m as Envelope),
        )]
        : []),
    ],
  };
  rt.calls.set(callId, owned);
  await Promise.all(owned.registrations);
  return owned;
}

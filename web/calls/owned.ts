/**
 * The calls this instance owns (it handled their invite): carrying out the steps of the pure call
 * state machine, the ring and grace timers, and the envelopes other instances forward.
 */
import type { TransferGrant } from "./tickets.ts";
import {
  applyConnectionLost,
  applyMessage,
  applyRingTimeout,
  dependsOn,
  type Effect,
  party,
  type Sender,
  type Step,
} from "./call-state.ts";
import type { Runtime } from "./runtime.ts";
import { applyTransfer, refusedTransfer } from "./transfer.ts";
import {
  busyAddress,
  callAddress,
  type Envelope,
  type OwnedCall,
  type RoutedMessage,
} from "./types.ts";

/**
 * Carries out a step. The record is written before anyone hears the call ended, so a tab that
 * reloads its history on the end frame finds the call there.
 */
export async function apply(rt: Runtime, owned: OwnedCall, step: Step): Promise<void> {
  const before = owned.state;
  const answeredNow = before.phase === "ringing" && step.call.phase === "answered";
  // A ticket carries what the record will say: a new one once that changes.
  const ticketStale = answeredNow ||
    (step.call.phase === "answered" && before.recordedBy !== step.call.recordedBy);
  owned.state = step.call;
  if (step.call.phase === "answered") owned.ringTimer?.cancel();
  const end = step.effects.find((e): e is Extract<Effect, { type: "end" }> => e.type === "end");
  if (end) {
    await release(rt, owned);
    await rt.record(step.call, end.status, end.endedAt);
  }
  for (const effect of step.effects) {
    if (effect.type === "send") await rt.sendTo(effect.to, effect.frame);
  }
  if (ticketStale && rt.tickets) {
    const ticket = rt.tickets.issue(step.call);
    const frame = { type: "ticket", callId: step.call.callId, ticket } as const;
    await rt.sendTo({ connectionId: step.call.callerConnectionId }, frame);
    await rt.sendTo({ connectionId: step.call.calleeConnectionId! }, frame);
  }
}

/** Lets go of a call without ending it: timers stopped, addresses given up, nothing recorded. */
export async function release(rt: Runtime, owned: OwnedCall): Promise<void> {
  rt.calls.delete(owned.state.callId);
  owned.ringTimer?.cancel();
  for (const timer of owned.graceTimers.values()) timer.cancel();
  await Promise.all(owned.registrations.map(async (registration) => (await registration)()));
}

/** Runs `step` on the call if this instance still owns it, in the call's serial queue. */
function later(rt: Runtime, callId: string, step: (owned: OwnedCall) => Step) {
  rt.serial.run(callId, async () => {
    const owned = rt.calls.get(callId);
    if (owned) await apply(rt, owned, step(owned));
  }).catch(rt.onError);
}

/** Ends the call as missed when nobody answers in time. */
export function startRingTimer(rt: Runtime, owned: OwnedCall): void {
  owned.ringTimer = rt.clock.setTimer(rt.ringTimeoutMs, () => {
    later(rt, owned.state.callId, (current) => applyRingTimeout(current.state, rt.clock.now()));
  });
}

/** A party's tab vanished: the call ends after the grace period unless the tab comes back. */
export function connectionLost(
  rt: Runtime,
  owned: OwnedCall,
  connectionId: string,
  goneAt: Date,
): void {
  if (!dependsOn(owned.state, connectionId) || owned.graceTimers.has(connectionId)) return;
  owned.graceTimers.set(
    connectionId,
    rt.clock.setTimer(rt.graceMs, () => {
      later(
        rt,
        owned.state.callId,
        (current) => applyConnectionLost(current.state, connectionId, goneAt),
      );
    }),
  );
}

/** The tab came back in time. */
export function connectionBack(owned: OwnedCall, connectionId: string): void {
  owned.graceTimers.get(connectionId)?.cancel();
  owned.graceTimers.delete(connectionId);
}

/** An envelope another instance forwarded to this call's owner. */
export function onEnvelope(rt: Runtime, callId: string, envelope: Envelope): Promise<void> {
  return rt.serial.run(callId, async () => {
    const owned = rt.calls.get(callId);
    const { sender } = envelope;
    if (!owned) {
      if (envelope.kind === "message") {
        await rt.errorTo(sender, "unknown_call", "no such call", callId);
      }
      if (envelope.kind === "crossed") {
        await rt.errorTo(sender, "in_call", "already on a call", envelope.callId);
      }
      return;
    }
    if (envelope.kind === "message") {
      await apply(rt, owned, await stepFor(rt, owned, sender, envelope.message));
    } else if (envelope.kind === "lost") {
      connectionLost(rt, owned, sender.connectionId, new Date(envelope.at));
    } else if (envelope.kind === "gone") {
      connectionBack(owned, sender.connectionId);
      const at = new Date(envelope.at);
      await apply(rt, owned, applyConnectionLost(owned.state, sender.connectionId, at));
    } else if (envelope.kind === "crossed") {
      await crossed(rt, owned, sender, envelope.callId);
    } else {
      connectionBack(owned, sender.connectionId);
    }
  }).catch(rt.onError);
}

/** A message for an existing call: applied here, or forwarded to the owning instance. */
export async function route(rt: Runtime, sender: Sender, message: RoutedMessage): Promise<void> {
  const owned = rt.calls.get(message.callId);
  if (owned) return await apply(rt, owned, await stepFor(rt, owned, sender, message));
  const address = callAddress(message.callId);
  if (await rt.hub.isOnline(address)) {
    const envelope: Envelope = { kind: "message", sender, message };
    return await rt.hub.publish(address, envelope);
  }
  await rt.errorTo(sender, "unknown_call", "no such call", message.callId);
}

/** The step a message makes; a transfer first looks its target up. */
async function stepFor(
  rt: Runtime,
  owned: OwnedCall,
  sender: Sender,
  message: RoutedMessage,
): Promise<Step> {
  const now = rt.clock.now();
  if (message.type !== "transfer") return applyMessage(owned.state, sender, message, now);
  const call = owned.state;
  const target = await rt.options.lookupUser(message.to);
  if (!target) return refusedTransfer(call, sender, "unknown_user", `no user ${message.to}`);
  if (target.userId === call.caller.userId || target.userId === call.callee.userId) {
    return refusedTransfer(call, sender, "bad_state", "they are already in this call");
  }
  // Blind: nobody is left to tell the transferee if the colleague cannot take the call, so
  // whether they can is checked first and the transferor keeps the call when they cannot.
  const name = target.displayName;
  if (target.acceptsDirectCalls === false || !(await rt.hub.isOnline(target.userId))) {
    return refusedTransfer(call, sender, "bad_state", `${name} is not available right now`);
  }
  if (target.doNotDisturb) {
    return refusedTransfer(call, sender, "bad_state", `${name} has do not disturb on`);
  }
  // Attended, the colleague is on a call: the transferor's own, which the new one replaces.
  if (!message.replaces && await rt.hub.isOnline(busyAddress(target.userId))) {
    return refusedTransfer(call, sender, "bad_state", `${name} is on another call`);
  }
  const { acceptsDirectCalls: _a, doNotDisturb: _d, callWaiting: _w, ...user } = target;
  const sign = rt.tickets ? (grant: TransferGrant) => rt.tickets!.grant(grant, now) : null;
  return applyTransfer(call, sender, user, sign, now, message.replaces);
}

/**
 * Glare: this call's callee invited its caller (`sender`, with `theirCallId`) while this call
 * rings them. Their tab is told, and rung with this call; one call, never two missed ones.
 */
async function crossed(rt: Runtime, owned: OwnedCall, sender: Sender, theirCallId: string) {
  const { state } = owned;
  if (state.phase !== "ringing") {
    return await rt.errorTo(sender, "in_call", "already on a call", theirCallId);
  }
  const to = { connectionId: sender.connectionId };
  const name = state.caller.displayName;
  await rt.errorTo(sender, "crossed", `${name} is calling you`, theirCallId);
  await rt.sendTo(to, { type: "invite", callId: state.callId, from: party(state.caller) });
}

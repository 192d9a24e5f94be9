/**
 * A tab presenting an answered call's ticket after its signaling reconnected. Wherever the call's
 * state is (owned here, owned by another instance, or nowhere because web restarted), the call
 * goes on with this tab in it, or ends now when the user hung up while the signaling was down.
 */
import type { ClientMessage } from "../../shared/signal.ts";
import { applyMessage, roleOf, type Sender } from "./call-state.ts";
import { own } from "./invite.ts";
import { apply, connectionBack, connectionLost } from "./owned.ts";
import type { Runtime } from "./runtime.ts";
import { callAddress, type Envelope } from "./types.ts";

type Resume = Extract<ClientMessage, { type: "resume" }>;

/** Handles `resume` from `sender`, in the call's serial queue. */
export async function resumeCall(rt: Runtime, sender: Sender, message: Resume): Promise<void> {
  const now = rt.clock.now();
  const { callId } = message;
  const state = rt.tickets?.read(message.ticket, now) ?? null;
  // Only the tab the ticket names: a ticket copied to another tab or user resumes nothing.
  if (!state || state.callId !== callId || !roleOf(state, sender)) {
    return await rt.errorTo(sender, "bad_ticket", "this call cannot be resumed", callId);
  }
  const hangup = { type: "hangup", callId } as const;
  // A hang-up made while the signaling was down ends the call when it happened (never in the
  // future, never before the answer).
  const endedAt = message.endedAt === undefined ? now : new Date(
    Math.min(now.getTime(), Math.max(state.answeredAt!.getTime(), message.endedAt)),
  );
  const owned = rt.calls.get(callId);
  if (owned) {
    connectionBack(owned, sender.connectionId);
    if (message.endedAt !== undefined) {
      await apply(rt, owned, applyMessage(owned.state, sender, hangup, endedAt));
    }
    return;
  }
  const address = callAddress(callId);
  if (await rt.hub.isOnline(address)) {
    const back: Envelope = { kind: "back", sender };
    await rt.hub.publish(address, back);
    if (message.endedAt !== undefined) {
      const ending: Envelope = { kind: "message", sender, message: hangup };
      await rt.hub.publish(address, ending);
    }
    return;
  }
  // Nobody holds it. Either it ended (and was recorded) while this tab was away...
  if (await rt.options.callIdUsed?.(callId)) {
    return await rt.sendTo({ connectionId: sender.connectionId }, {
      type: "ended",
      callId,
      reason: "failed",
    });
  }
  // ...or the instance that held it is gone: this one takes it over from the ticket.
  const restored = await own(rt, state);
  if (message.endedAt !== undefined) {
    return await apply(rt, restored, applyMessage(state, sender, hangup, endedAt));
  }
  const other = sender.connectionId === state.callerConnectionId
    ? state.calleeConnectionId!
    : state.callerConnectionId;
  // The other tab has `graceMs` to confirm with its own ticket, as after any lost connection.
  connectionLost(rt, restored, other, now);
  await rt.sendTo({ connectionId: other }, { type: "resumed", callId });
}

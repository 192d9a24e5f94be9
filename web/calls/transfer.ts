/**
 * Blind transfer, as a pure step of the call state machine (see `call-state.ts`): a party of an
 * answered call hands the other party to a colleague and leaves. The server does not bridge
 * anything: the media is peer to peer, so the transferee's own tab invites the colleague (with the
 * signed grant it is sent here), hearing ringback like any caller.
 */
import type { ServerMessage } from "../../shared/signal.ts";
import { signalError } from "../../shared/signal.ts";
import {
  calleeTab,
  callerTab,
  type CallState,
  errorTo,
  party,
  roleOf,
  type Sender,
  type Step,
} from "./call-state.ts";
import type { CallUser } from "./rules.ts";
import type { TransferGrant } from "./tickets.ts";

/**
 * A transfer: `sender`, a party of the answered call, hands the other party to `target`
 * (attended when `replaces` names the sender's own call with `target`, asked first).
 * The other party is told (with `grant`, which lets its own invite to `target` say who transferred
 * it) and the sender's part ends; the call's record names `target`.
 */
export function applyTransfer(
  call: CallState,
  sender: Sender,
  target: CallUser,
  signGrant: ((grant: TransferGrant) => string) | null,
  now: Date,
  replaces?: string,
): Step {
  const role = roleOf(call, sender);
  const refuse = (code: "not_in_call" | "bad_state", why: string) =>
    refusedTransfer(call, sender, code, why);
  if (!role) return refuse("not_in_call", "not part of this call");
  if (call.phase !== "answered") return refuse("bad_state", "only an answered call is transferred");
  if (target.userId === call.caller.userId || target.userId === call.callee.userId) {
    return refuse("bad_state", "they are already in this call");
  }
  const { callId } = call;
  const from = party(role === "caller" ? call.caller : call.callee);
  const to = party(target);
  const transferee = role === "caller" ? call.callee : call.caller;
  const grant = signGrant?.({
    callId,
    transfereeUserId: transferee.userId,
    to: to.care4wId,
    by: from,
    ...(replaces ? { replaces } : {}),
  });
  const frame: ServerMessage = grant
    ? { type: "transfer", callId, from, to, grant }
    : { type: "transfer", callId, from, to };
  return {
    call: { ...call, transferredTo: to },
    effects: [
      { type: "send", to: role === "caller" ? calleeTab(call) : callerTab(call), frame },
      {
        type: "send",
        to: { connectionId: sender.connectionId },
        frame: { type: "ended", callId, reason: "transferred" },
      },
      { type: "end", status: "completed", endedAt: now },
    ],
  };
}

/** The transfer is refused: the call goes on as it was, and the sender hears why. */
export function refusedTransfer(
  call: CallState,
  sender: Sender,
  code: "not_in_call" | "bad_state" | "unknown_user",
  why: string,
): Step {
  return { call, effects: [errorTo(sender, signalError(code, why, call.callId))] };
}

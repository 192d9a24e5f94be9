/**
 * The answer of `GET /kamailio/call` from what the directory holds about caller and callee: pure,
 * so the rules read in one place. Who records follows each party's own "record my calls" setting
 * (caller first); the caller's name is made safe for a SIP quoted-string; the calling number is
 * the caller's own and only matters for phone numbers (Kamailio falls back to the organisation's);
 * whether the callee's settings refuse the call is `call-refusal.ts`'s rule.
 */
import { type KamailioCallResponse, sipDisplayName } from "../../../shared/agent-contract.ts";
import { isE164 } from "../../../shared/phone.ts";
import { type CallerId, callRefusal } from "./call-refusal.ts";
import type { Subscriber } from "./store.ts";

/** What the route looked up. */
export interface CallInfoInput {
  /** The authenticated caller's CareFlow ID, "" for a call in from the trunk. */
  from: string;
  /** The dialled user part. */
  to: string;
  caller: Subscriber | null;
  /** The canonical CareFlow ID dialled, or null when `to` is not one. */
  callee: string | null;
  calleeSub: Subscriber | null;
  /** What a call in from the trunk says about the caller. */
  callerId: CallerId;
}

/** The 200 body, or the status Kamailio answers the caller with. */
export function callInfo(input: CallInfoInput): KamailioCallResponse | { status: 403 | 404 } {
  const { from, to, caller, callee, calleeSub, callerId } = input;
  // Kamailio only asks for a caller it authenticated: one gone since is refused, not routed.
  if (from !== "" && !caller?.active) return { status: 403 };
  const recordFor: string[] = [];
  if (from !== "" && caller?.recordCalls) recordFor.push(from);
  if (callee) {
    if (!calleeSub?.active) return { status: 404 };
    if (calleeSub.recordCalls && callee !== from) recordFor.push(callee);
  } else if (!isE164(to)) {
    return { status: 404 };
  }
  return {
    callee: callee ?? "",
    callerName: sipDisplayName(caller?.displayName),
    calleeName: callee ? sipDisplayName(calleeSub?.displayName) : "",
    recordFor: recordFor.join(","),
    callerNumber: callee ? "" : caller?.e164 ?? "",
    refuse: callee && calleeSub
      ? callRefusal({ from, callee, calleeProfile: calleeSub, callerId })
      : "",
  };
}

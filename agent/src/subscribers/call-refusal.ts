/**
 * Whether the callee's own settings let a SIP call ring them, as the browser path decides it
 * (web/calls/invite.ts): pure, so the order of the rules reads in one place.
 *
 * - No direct calls (`allowDirectCalls` false) is about colleagues: a CareFlow caller gets 480 and
 *   learns nothing more (not whether the callee is in do-not-disturb). Outside phones are not
 *   colleagues calling directly, so it does not apply to them.
 * - A withheld outside number to someone who blocks those gets 433 (RFC 5079) before anything
 *   about their presence is said: such a caller learns least.
 * - Do-not-disturb answers every other caller 486, as a browser call is answered busy.
 */
import type { CallRefusal } from "../../../shared/agent-contract.ts";
import type { CallProfile } from "./store.ts";

/** What a call in from the trunk says about who is calling ("" for what it did not send). */
export interface CallerId {
  /** The From URI's user part. */
  fromUser: string;
  /** The user part of the trunk's P-Asserted-Identity. */
  assertedUser: string;
  /** The Privacy header (RFC 3323 / 3325). */
  privacy: string;
}

/** Privacy values by which a caller asks for their identity to be withheld. */
const WITHHOLDING = new Set(["id", "user", "header"]);

// A number a person could call back, visual separators (RFC 3966) aside. Deliberately loose
// (national formats too): a false "withheld" would refuse a caller who shows their number.
const CALLABLE = /^\+?[0-9]{3,15}$/;

/**
 * True when an outside caller gives no usable caller ID: a Privacy header asking for it to be
 * withheld, or no callable number (P-Asserted-Identity first, else From): `anonymous`,
 * `restricted`, nothing, or only zeros.
 */
export function isWithheldCaller(caller: CallerId): boolean {
  const values = caller.privacy.toLowerCase().split(/[\s;,]+/);
  if (values.some((value) => WITHHOLDING.has(value))) return true;
  const shown = (caller.assertedUser || caller.fromUser).replace(/[-.()]/g, "");
  return !CALLABLE.test(shown) || /^\+?0+$/.test(shown);
}

/** What decides a refusal. */
export interface RefusalInput {
  /** The authenticated caller's CareFlow ID, "" for a call in from the trunk. */
  from: string;
  /** The callee's CareFlow ID. */
  callee: string;
  calleeProfile: CallProfile;
  /** What the trunk said about the caller (only read when `from` is ""). */
  callerId: CallerId;
}

/** The SIP status the call is answered with instead of ringing; "" when it rings. */
export function callRefusal(input: RefusalInput): CallRefusal {
  const { from, callee, calleeProfile: profile } = input;
  if (from !== "") {
    // Calling one's own other devices is not a call from a colleague.
    if (from !== callee && profile.allowDirectCalls === false) return "480";
  } else if (profile.blockAnonymousCalls && isWithheldCaller(input.callerId)) {
    return "433";
  }
  return profile.doNotDisturb ? "486" : "";
}

/**
 * The part of a user's settings that decides who may ring them over SIP, as the agent keeps it
 * (`shared/agent-contract.ts`): do-not-disturb, direct calls from colleagues, withheld outside
 * numbers. Pure, so the push, the cache-miss answer and the "did it change?" check agree.
 */
import type { SubscriberUpsert } from "../../shared/agent-contract.ts";
import type { StoredSettings } from "../../shared/settings.ts";

/** The fields of a push that carry the call privacy. */
export type CallPrivacyFields = Pick<
  SubscriberUpsert,
  "doNotDisturb" | "allowDirectCalls" | "blockAnonymousCalls"
>;

/**
 * The call privacy as pushed: each field only when it is not the default (absent reads as the
 * default at the agent), so the push of a user who changed none of them is the one it always was.
 */
export function callPrivacyFields(settings: StoredSettings): CallPrivacyFields {
  return {
    ...(settings.presence.doNotDisturb ? { doNotDisturb: true } : {}),
    ...(settings.privacy.allowDirectCalls ? {} : { allowDirectCalls: false }),
    ...(settings.privacy.blockAnonymousCalls ? { blockAnonymousCalls: true } : {}),
  };
}

/**
 * True when going from `before` to `after` changes what the agent must know: only then is the
 * subscriber pushed (a change of date format is none of its business).
 */
export function callPrivacyChanged(before: StoredSettings, after: StoredSettings): boolean {
  const [a, b] = [callPrivacyFields(before), callPrivacyFields(after)];
  return a.doNotDisturb !== b.doNotDisturb || a.allowDirectCalls !== b.allowDirectCalls ||
    a.blockAnonymousCalls !== b.blockAnonymousCalls;
}

/**
 * Who a call's parties are, as web's history needs them: a CareFlow ID, or an outside phone in
 * E.164. The dialplan names them in `careflow_caller` / `careflow_callee`; without those (the
 * captures predate them) the switch's own caller ID and destination number are read the same
 * strict way.
 *
 * Nothing is guessed: `15551230001` (no `+`) is not taken for `+15551230001`, because trunks also
 * send national numbers (a 10-digit US number read with a `+` would be a Brazilian one), and an
 * extension like `1000` is no phone at all. Numbers from a trunk must be made E.164 where the
 * trunk's format is known: in the dialplan, into `careflow_caller`. What cannot be read stays a
 * raw number in the call record, and the call gets no CDR event (see `cdr-event.ts`).
 */
import { isCare4wId } from "../../../shared/care4w-id.ts";
import type { CallParty } from "../../../shared/events.ts";
import { isE164 } from "../../../shared/phone.ts";

/** A party as read: one web understands, or the raw number the switch had. */
export type PartyReading = { party: CallParty } | { raw: string | null };

/** A CareFlow ID (any case) or an E.164 number, else null. */
export function partyOf(value: string | null | undefined): CallParty | null {
  const text = value?.trim();
  if (!text) return null;
  const lower = text.toLowerCase();
  if (isCare4wId(lower)) return lower;
  if (isE164(text)) return { phone: text };
  return null;
}

/**
 * Reads a party: the dialplan's `careflow_*` value when it set one (then only that: the switch's
 * own numbers can come from a trunk's caller ID and are not to override what the dialplan
 * decided), else the first fallback that reads, else the raw first fallback.
 */
export function readParty(
  dialplan: string | null | undefined,
  ...fallbacks: Array<string | null | undefined>
): PartyReading {
  const chosen = dialplan?.trim();
  if (chosen) {
    const party = partyOf(chosen);
    return party ? { party } : { raw: chosen.slice(0, 64) };
  }
  for (const candidate of fallbacks) {
    const party = partyOf(candidate);
    if (party) return { party };
  }
  const raw = fallbacks.find((candidate) => candidate?.trim());
  return { raw: raw?.trim().slice(0, 64) ?? null };
}

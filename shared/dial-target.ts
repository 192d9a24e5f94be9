import { normalizeCare4wId } from "./care4w-id.ts";
import { normalizePhoneNumber } from "./phone.ts";

/** What a dial string means. */
export type DialTarget =
  | { kind: "care4w"; care4wId: string }
  | { kind: "phone"; e164: string }
  | { kind: "empty" }
  | { kind: "invalid" };

/**
 * Classifies the text of the dial field. CareFlow IDs win over phone numbers; the two cannot
 * overlap because a short ID has exactly 7 digits and a phone number at least 8.
 */
export function classifyDialTarget(input: string): DialTarget {
  if (input.trim() === "") return { kind: "empty" };
  const care4wId = normalizeCare4wId(input);
  if (care4wId) return { kind: "care4w", care4wId };
  const e164 = normalizePhoneNumber(input);
  if (e164) return { kind: "phone", e164 };
  return { kind: "invalid" };
}

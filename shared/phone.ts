/**
 * Phone number rules: E.164, 8 to 15 digits. A 7-digit string is a CareFlow short ID and
 * never a phone number, so the two can share one dial field.
 */

/** Canonical E.164 form: plus sign, non-zero first digit, 8-15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{7,14}$/;

/** True when `value` is already canonical E.164. */
export function isE164(value: string): boolean {
  return E164_PATTERN.test(value);
}

/**
 * Normalises a typed or pasted number (`+44 20 7946 0958`, or `0044 20 7946 0958` with the
 * international prefix) into E.164, or null. National notation (leading 0) is refused: ambiguous.
 */
export function normalizePhoneNumber(input: string): string | null {
  const compact = input.trim().replace(/[\s().-]/g, "");
  let digits: string;
  if (compact.startsWith("+")) digits = compact.slice(1);
  else if (compact.startsWith("00")) digits = compact.slice(2);
  else digits = compact;
  if (!/^\d+$/.test(digits)) return null;
  const candidate = `+${digits}`;
  return isE164(candidate) ? candidate : null;
}

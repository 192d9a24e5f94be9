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

/** ITU-T E.164 country codes of one and two digits; every other code has three. */
const SHORT_COUNTRY_CODES = new Set([
  "1",
  "7",
  "20",
  "27",
  "30",
  "31",
  "32",
  "33",
  "34",
  "36",
  "39",
  "40",
  "41",
  "43",
  "44",
  "45",
  "46",
  "47",
  "48",
  "49",
  "51",
  "52",
  "53",
  "54",
  "55",
  "56",
  "57",
  "58",
  "60",
  "61",
  "62",
  "63",
  "64",
  "65",
  "66",
  "81",
  "82",
  "84",
  "86",
  "90",
  "91",
  "92",
  "93",
  "94",
  "95",
  "98",
]);

/** The country calling code of an E.164 number, with its plus (`+44`, `+1`, `+353`). */
export function countryCodeOf(e164: string): string {
  const digits = e164.slice(1);
  for (const length of [1, 2]) {
    if (SHORT_COUNTRY_CODES.has(digits.slice(0, length))) return `+${digits.slice(0, length)}`;
  }
  return `+${digits.slice(0, 3)}`;
}

/** Whether `e164` starts with one of `prefixes` (E.164 prefixes such as `+44` or `+4420`). */
export function isAllowedDestination(e164: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => e164.startsWith(prefix));
}

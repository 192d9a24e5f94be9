/**
 * CareFlow ID rules. Every user gets `care4w-NNNNNNN`; the first is `care4w-1000001`.
 * These functions are pure so web, agent and Kamailio tests agree on one definition.
 */

/** Prefix of every CareFlow ID. */
export const CARE4W_PREFIX = "care4w-";
/** Sequence number of the first user (`care4w-1000001`). */
export const FIRST_SEQUENCE = 1_000_001;
/** Largest sequence a 7-digit ID can hold. */
export const LAST_SEQUENCE = 9_999_999;
/** The exact wire format of a CareFlow ID. */
export const CARE4W_ID_PATTERN = /^care4w-\d{7}$/;

/** True when `value` is a CareFlow ID in its canonical form. */
export function isCare4wId(value: string): boolean {
  return CARE4W_ID_PATTERN.test(value);
}

/** Builds the ID for a sequence number; throws outside the 7-digit range. */
export function care4wIdFromSequence(sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < FIRST_SEQUENCE || sequence > LAST_SEQUENCE) {
    throw new RangeError(`sequence ${sequence} is outside ${FIRST_SEQUENCE}..${LAST_SEQUENCE}`);
  }
  return `${CARE4W_PREFIX}${sequence}`;
}

/** The sequence number inside a canonical ID, or null when it is not one. */
export function sequenceFromCare4wId(value: string): number | null {
  return isCare4wId(value) ? Number(value.slice(CARE4W_PREFIX.length)) : null;
}

/**
 * Reads what a person typed as a CareFlow ID: any letter case, surrounding blanks, or the
 * 7-digit short form a keypad can dial. Returns the canonical ID, or null.
 */
export function normalizeCare4wId(input: string): string | null {
  const value = input.trim().toLowerCase();
  if (isCare4wId(value)) return value;
  if (/^\d{7}$/.test(value)) return `${CARE4W_PREFIX}${value}`;
  return null;
}

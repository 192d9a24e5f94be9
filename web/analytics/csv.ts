/**
 * CSV (RFC 4180) of a history, safe to open in a spreadsheet: every field is quoted, and a field
 * a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return) is
 * prefixed with a single quote, as OWASP advises against CSV injection.
 */
import { addressOf } from "../../shared/calls.ts";
import type { CallView } from "../../shared/api.ts";

/** One field, quoted, quotes doubled, formula starts defused. */
export function csvCell(value: string | number | null): string {
  const text = value === null ? "" : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** One line of fields, CRLF-terminated as RFC 4180 says. */
export function csvRow(values: readonly (string | number | null)[]): string {
  return values.map(csvCell).join(",") + "\r\n";
}

/** The export's columns. */
export const HISTORY_CSV_HEADER = [
  "started_at",
  "local_time",
  "direction",
  "status",
  "mode",
  "other_party",
  "other_address",
  "duration_seconds",
  "answered_at",
  "ended_at",
  "recorded_by",
] as const;

/** One call of the history as a CSV line; `local` formats its start in the report's zone. */
export function historyCsvRow(call: CallView, local: (iso: string) => string): string {
  return csvRow([
    call.startedAt,
    local(call.startedAt),
    call.direction,
    call.status,
    call.mode,
    call.otherParty.displayName,
    addressOf(call.otherParty),
    call.duration,
    call.answeredAt,
    call.endedAt,
    call.recordedBy,
  ]);
}

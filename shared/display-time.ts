/**
 * Times as a user asked to read them (`display` of their settings): in their time zone, with
 * their date order and clock. Pure `Intl`, so the server and every island format alike.
 */
import { DEVICE_ZONE } from "./settings-defaults.ts";
import type { Settings } from "./settings.ts";
import { zoneClock } from "./time-zone.ts";

export type Display = Settings["display"];

/** The zone `Intl` is given: none for the device's own. */
const zoneOf = (display: Display) =>
  display.timezone === DEVICE_ZONE ? undefined : display.timezone;

/** The wall-clock parts of `ms` in `timeZone` (the device's: undefined), two digits each. */
function partsOf(ms: number, timeZone: string | undefined): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const { type, value } of zoneClock(timeZone).formatToParts(ms)) parts[type] = value;
  return parts;
}

/** The date of `ms` in the user's zone and order ("2026-03-01", "01/03/2026", or the locale's). */
export function formatDate(ms: number, display: Display, locale?: string): string {
  if (display.dateFormat === "locale") {
    return new Intl.DateTimeFormat(locale, { timeZone: zoneOf(display), dateStyle: "medium" })
      .format(ms);
  }
  const { year, month, day } = partsOf(ms, zoneOf(display));
  if (display.dateFormat === "YYYY-MM-DD") return `${year}-${month}-${day}`;
  if (display.dateFormat === "DD/MM/YYYY") return `${day}/${month}/${year}`;
  return `${month}/${day}/${year}`;
}

/** The time of `ms` in the user's zone and clock ("14:05", "2:05 PM", or the locale's). */
export function formatTime(ms: number, display: Display, locale?: string): string {
  if (display.timeFormat === "locale") {
    return new Intl.DateTimeFormat(locale, { timeZone: zoneOf(display), timeStyle: "short" })
      .format(ms);
  }
  const { hour, minute } = partsOf(ms, zoneOf(display));
  if (display.timeFormat === "24h") return `${hour}:${minute}`;
  const h = Number(hour);
  return `${h % 12 === 0 ? 12 : h % 12}:${minute} ${h < 12 ? "AM" : "PM"}`;
}

/** A date and time (`iso`, as the API sends them) as the user reads them. */
export function formatDateTime(iso: string, display: Display, locale?: string): string {
  const ms = new Date(iso).getTime();
  if (display.dateFormat === "locale" && display.timeFormat === "locale") {
    return new Intl.DateTimeFormat(locale, {
      timeZone: zoneOf(display),
      dateStyle: "medium",
      timeStyle: "short",
    }).format(ms);
  }
  return `${formatDate(ms, display, locale)} ${formatTime(ms, display, locale)}`;
}

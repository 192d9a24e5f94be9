/**
 * IANA time zones with nothing but `Intl.DateTimeFormat`: whether a name is a zone, a zone's UTC
 * offset at an instant, where a local calendar day begins, and a period's offsets as segments
 * (so a store can turn instants into local time with one CASE, exactly, whatever the offset:
 * whole hours, :30 or :45). Every function takes what it needs; nothing is cached between calls.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** From `startMs` on (until the next segment), local time is UTC plus `offsetMs`. */
export interface OffsetSegment {
  startMs: number;
  offsetMs: number;
}

/** Whether `name` is a time zone this runtime knows ("Europe/London", "UTC"). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A formatter whose parts are a zone's wall-clock time (undefined: the device's own zone). */
export function zoneClock(timeZone: string | undefined): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** The zone's wall clock at `ms`, read as if it were UTC (milliseconds, whole seconds). */
function wallMs(clock: Intl.DateTimeFormat, ms: number): number {
  const part: Record<string, number> = {};
  for (const { type, value } of clock.formatToParts(ms)) part[type] = Number(value);
  return Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
}

/** The zone's offset from UTC at the instant `ms` (local = UTC + offset). */
export function offsetAt(clock: Intl.DateTimeFormat, ms: number): number {
  return wallMs(clock, ms) - Math.floor(ms / 1000) * 1000;
}

/** The local calendar date (`YYYY-MM-DD`) at instant `ms` in the clock's zone. */
export function localDateAt(clock: Intl.DateTimeFormat, ms: number): string {
  return new Date(wallMs(clock, ms)).toISOString().slice(0, 10);
}

/** The local date and time (`YYYY-MM-DD HH:MM:SS`) at instant `ms` in the clock's zone. */
export function localDateTimeAt(clock: Intl.DateTimeFormat, ms: number): string {
  return new Date(wallMs(clock, ms)).toISOString().slice(0, 19).replace("T", " ");
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (calendar arithmetic, no zone). */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

/** The `YYYY-MM-DD` date of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The first instant whose local date is `date` or later. Usually local midnight; where midnight
 * does not exist (a spring-forward at 00:00), the moment the day begins. Offsets are within
 * ±15 h, so the answer lies in a 30-hour window: found by bisection to the second.
 */
export function localDayStart(clock: Intl.DateTimeFormat, date: string): number {
  const wall = dayNumber(date) * DAY_MS;
  const reached = (ms: number) => localDateAt(clock, ms) >= date;
  let low = wall - 15 * HOUR_MS; // not reached: local time is at most UTC+14
  let high = wall + 15 * HOUR_MS; // reached: local time is at least UTC-12
  while (high - low > 1000) {
    const mid = low + Math.floor((high - low) / 2000) * 1000;
    if (reached(mid)) high = mid;
    else low = mid;
  }
  return high;
}

/** The first whole second in (`low`, `high`] with an offset other than `before`. */
function transitionIn(clock: Intl.DateTimeFormat, low: number, high: number, before: number) {
  while (high - low > 1000) {
    const mid = low + Math.floor((high - low) / 2000) * 1000;
    if (offsetAt(clock, mid) === before) low = mid;
    else high = mid;
  }
  return high;
}

/**
 * The zone's offsets over [`fromMs`, `toMs`), as segments in time order, the first starting at
 * `fromMs`. Offsets are sampled daily (a year is ~370 samples, a few milliseconds) and each
 * change is bisected to the second, so every transition is found unless two fall within one day
 * of each other, which no zone's rules have.
 */
export function offsetSegments(
  clock: Intl.DateTimeFormat,
  fromMs: number,
  toMs: number,
): OffsetSegment[] {
  const step = DAY_MS;
  const segments: OffsetSegment[] = [{ startMs: fromMs, offsetMs: offsetAt(clock, fromMs) }];
  for (let at = fromMs; at < toMs;) {
    const next = Math.min(at + step, toMs);
    const current = segments[segments.length - 1].offsetMs;
    const offset = offsetAt(clock, next);
    if (offset !== current) {
      const startMs = transitionIn(clock, at, next, current);
      if (startMs < toMs) segments.push({ startMs, offsetMs: offsetAt(clock, startMs) });
    }
    at = next;
  }
  return segments;
}

/** The offset segments' offset at `ms` (the last segment starting at or before it). */
export function segmentOffset(segments: readonly OffsetSegment[], ms: number): number {
  let offset = segments[0]?.offsetMs ?? 0;
  for (const segment of segments) {
    if (segment.startMs > ms) break;
    offset = segment.offsetMs;
  }
  return offset;
}

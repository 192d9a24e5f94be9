/**
 * Time zones offered by the period picker; any other zone a link names is offered too. (The
 * user's display time zone setting, when it exists, is the natural default: see `load.tsx`.)
 */
export const COMMON_ZONES: readonly string[] = [
  "UTC",
  "Europe/London",
  "Europe/Dublin",
  "Europe/Paris",
  "Europe/Berlin",
  "America/New_York",
  "America/Chicago",
  "America/Los_Angeles",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Australia/Sydney",
  "Pacific/Auckland",
];

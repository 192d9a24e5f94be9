import assert from "node:assert/strict";
import {
  DEFAULT_SETTINGS,
  fullSettings,
  patchStored,
  settingsPatchSchema,
  settingsSchema,
  storedSettingsFrom,
} from "./settings.ts";
import { formatDate, formatDateTime, formatTime } from "./display-time.ts";

const BOUNDS = { minDays: 7, maxDays: 90 };

Deno.test("the defaults are valid settings, and a missing document reads as them", () => {
  assert.ok(settingsSchema(BOUNDS).safeParse(DEFAULT_SETTINGS).success);
  const stored = storedSettingsFrom(null);
  assert.deepEqual(
    fullSettings(stored, { recordCalls: false, retentionDays: 30 }),
    DEFAULT_SETTINGS,
  );
  assert.equal("autoRecord" in stored.privacy, false, "the user's own fields are not stored");
});

Deno.test("a stored document keeps its valid fields; an outdated or broken field takes its default", () => {
  const stored = storedSettingsFrom({
    notifications: { sound: false, incoming: "yes" },
    display: { timezone: "Mars/Olympus", dateFormat: "DD/MM/YYYY" },
    privacy: { allowDirectCalls: false, autoRecord: true },
    extra: { x: 1 },
  });
  assert.equal(stored.notifications.sound, false);
  assert.equal(stored.notifications.incoming, true);
  assert.equal(stored.display.timezone, "local");
  assert.equal(stored.display.dateFormat, "DD/MM/YYYY");
  assert.equal(stored.privacy.allowDirectCalls, false);
  assert.equal("autoRecord" in stored.privacy, false);
  assert.equal("extra" in stored, false);
});

Deno.test("a patch is a deep partial: unknown keys, bad zones and out-of-bounds retention refused", () => {
  const patch = settingsPatchSchema(BOUNDS);
  assert.ok(patch.safeParse({ display: { timezone: "Asia/Kathmandu" } }).success);
  assert.ok(patch.safeParse({ privacy: { retentionDays: 7 } }).success);
  for (
    const bad of [
      {},
      { display: {} },
      { display: { timezone: "Nowhere/City" } },
      { display: { timezone: "UTC", colour: "red" } },
      { theme: {} },
      { privacy: { retentionDays: 6 } },
      { privacy: { retentionDays: 91 } },
      { notifications: { sound: "off" } },
      { audio: { inputDeviceId: "x".repeat(300) } },
    ]
  ) assert.equal(patch.safeParse(bad).success, false, JSON.stringify(bad));
  const applied = patchStored(storedSettingsFrom(null), {
    notifications: { sound: false },
    privacy: { autoRecord: true, showOnlineStatus: false },
  });
  assert.equal(applied.notifications.sound, false);
  assert.equal(applied.notifications.incoming, true);
  assert.equal(applied.privacy.showOnlineStatus, false);
  assert.equal("autoRecord" in applied.privacy, false);
});

Deno.test("times read in the user's zone, date order and clock", () => {
  const iso = "2026-03-01T23:30:00Z";
  const ms = Date.parse(iso);
  const kathmandu = { timezone: "Asia/Kathmandu", dateFormat: "YYYY-MM-DD", timeFormat: "24h" };
  assert.equal(formatDateTime(iso, kathmandu as never), "2026-03-02 05:15");
  const ny = { timezone: "America/New_York", dateFormat: "MM/DD/YYYY", timeFormat: "12h" };
  assert.equal(formatDateTime(iso, ny as never), "03/01/2026 6:30 PM");
  const uk = { timezone: "Europe/London", dateFormat: "DD/MM/YYYY", timeFormat: "12h" };
  assert.equal(formatDate(ms, uk as never), "01/03/2026");
  assert.equal(formatTime(Date.parse("2026-03-01T00:05:00Z"), uk as never), "12:05 AM");
  const locale = { timezone: "UTC", dateFormat: "locale", timeFormat: "locale" };
  assert.equal(formatDateTime(iso, locale as never, "en-GB"), "1 Mar 2026, 23:30");
});

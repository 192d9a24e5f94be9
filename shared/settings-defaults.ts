/**
 * What the browser needs of the settings without zod (which stays out of every island bundle):
 * the formats a time can be shown in, the device's own zone, and the defaults. The schema that
 * checks them is `settings.ts`.
 */
import type { Settings } from "./settings.ts";

/** How dates read: the reader's locale, or one fixed order. */
export const DATE_FORMATS = ["locale", "YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY"] as const;
/** How times read: the locale's clock, or a fixed 24- or 12-hour clock. */
export const TIME_FORMATS = ["locale", "24h", "12h"] as const;
/** The time zone of whichever device shows the time: the default, right for people who travel. */
export const DEVICE_ZONE = "local";

/** Settings of someone who never changed any; retention is the user's own default. */
export const DEFAULT_SETTINGS: Settings = Object.freeze({
  notifications: { incoming: true, missed: true, voicemail: true, sound: true },
  audio: {
    inputDeviceId: "",
    outputDeviceId: "",
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
  },
  display: { timezone: DEVICE_ZONE, dateFormat: "locale", timeFormat: "locale" },
  privacy: {
    allowDirectCalls: true,
    showOnlineStatus: true,
    blockAnonymousCalls: false,
    autoRecord: false,
    retentionDays: 30,
    notifyOnRecord: true,
  },
  presence: { doNotDisturb: false, callWaiting: true },
}) as Settings;

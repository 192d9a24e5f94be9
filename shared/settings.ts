/**
 * A user's settings in the seed's shape (`/api/users/settings`): notifications, audio, display and
 * privacy, and `presence` (do-not-disturb). Defined once here: the schema, the defaults, the
 * deep-partial patch the API accepts (unknown keys refused) and how a stored document is read back
 * (every field it lacks, or holds in an outdated form, takes its default). `privacy.autoRecord` and `privacy.retentionDays` are
 * the user's `recordCalls` and `retentionDays` (one source of truth, `/api/me/settings` shows the
 * same); everything else lives in the per-user settings document (`StoredSettings`).
 */
import { z } from "zod";
import { DATE_FORMATS, DEFAULT_SETTINGS, DEVICE_ZONE, TIME_FORMATS } from "./settings-defaults.ts";
import { isTimeZone } from "./time-zone.ts";

export { DATE_FORMATS, DEFAULT_SETTINGS, DEVICE_ZONE, TIME_FORMATS };

/** A media device id as `enumerateDevices()` gives it; "" is the system default. */
const deviceId = z.string().max(256).regex(/^[\x20-\x7e]*$/, "must be a device id");
const timeZone = z.union([
  z.literal(DEVICE_ZONE),
  z.string().max(64).refine(isTimeZone, 'must be an IANA time zone or "local"'),
]);

const Notifications = z.object({
  /** A desktop notice for a call ringing while the tab is in the background. */
  incoming: z.boolean(),
  /** A desktop notice and the phone's reminder for a call missed. */
  missed: z.boolean(),
  /** A desktop notice when a new voicemail arrives. */
  voicemail: z.boolean(),
  /** The ringtone of an incoming call. */
  sound: z.boolean(),
}).strict();

const Audio = z.object({
  inputDeviceId: deviceId,
  outputDeviceId: deviceId,
  echoCancellation: z.boolean(),
  noiseSuppression: z.boolean(),
  autoGainControl: z.boolean(),
}).strict();

const Display = z.object({
  timezone: timeZone,
  dateFormat: z.enum(DATE_FORMATS),
  timeFormat: z.enum(TIME_FORMATS),
}).strict();

/** How the user is reached: do-not-disturb answers every browser call busy. */
const PresenceSettings = z.object({
  /** Set by the user: colleagues see "do not disturb" and their browser calls are answered busy. */
  doNotDisturb: z.boolean(),
  /**
   * A second call while on one rings softly (answer it and the first goes on hold, decline it,
   * or send it to voicemail); off, the caller hears busy as before.
   */
  callWaiting: z.boolean(),
}).strict();

/** Privacy, with `retentionDays` bounded by the organisation's configuration. */
function privacy(bounds: RetentionBounds) {
  return z.object({
    /** Colleagues may call this user browser to browser. */
    allowDirectCalls: z.boolean(),
    /** Colleagues looking this user up see whether they are online. */
    showOnlineStatus: z.boolean(),
    /** Calls in from outside numbers that hide their number are refused. */
    blockAnonymousCalls: z.boolean(),
    /** The user's `recordCalls`. */
    autoRecord: z.boolean(),
    /** The user's `retentionDays`. */
    retentionDays: z.number().int().min(
      bounds.minDays,
      `must be ${bounds.minDays}-${bounds.maxDays}`,
    )
      .max(bounds.maxDays, `must be ${bounds.minDays}-${bounds.maxDays}`),
    /** A notice to this user when the other party of a call starts recording it. */
    notifyOnRecord: z.boolean(),
  }).strict();
}

/** The organisation's bounds of a recording's retention, in days. */
export interface RetentionBounds {
  minDays: number;
  maxDays: number;
}

/** Bounds wide enough for any configuration (a value the server then clamps). */
const ANY_BOUNDS: RetentionBounds = { minDays: 0, maxDays: 36_500 };

/**
 * The whole settings schema for an organisation's retention bounds. Made once per bounds: a zod
 * schema costs far more to build than to use, and every lookup reads someone's settings.
 */
export function settingsSchema(bounds: RetentionBounds = ANY_BOUNDS) {
  const key = `${bounds.minDays}:${bounds.maxDays}`;
  let schema = schemas.get(key);
  if (!schema) schemas.set(key, schema = buildSettingsSchema(bounds));
  return schema;
}

/** Immutable schemas by bounds (an organisation has one or two). */
const schemas = new Map<string, ReturnType<typeof buildSettingsSchema>>();

function buildSettingsSchema(bounds: RetentionBounds) {
  return z.object({
    notifications: Notifications,
    audio: Audio,
    display: Display,
    privacy: privacy(bounds),
    presence: PresenceSettings,
  }).strict();
}

export type Settings = z.infer<ReturnType<typeof buildSettingsSchema>>;
/** What the settings document keeps: all but the two fields that are the user's own. */
export type StoredSettings = Omit<Settings, "privacy"> & {
  privacy: Omit<Settings["privacy"], "autoRecord" | "retentionDays">;
};

/** `PATCH /api/users/settings`: any part of any section, nothing unknown, something to change. */
export function settingsPatchSchema(bounds: RetentionBounds) {
  const full = settingsSchema(bounds).shape;
  return z.object({
    notifications: full.notifications.partial().optional(),
    audio: full.audio.partial().optional(),
    display: full.display.partial().optional(),
    privacy: full.privacy.partial().optional(),
    presence: full.presence.partial().optional(),
  }).strict().refine(
    (patch) => Object.values(patch).some((part) => part && Object.keys(part).length > 0),
    "says nothing to change",
  );
}
export type SettingsPatch = z.infer<ReturnType<typeof settingsPatchSchema>>;

type Section = keyof Settings;
const SECTIONS = [
  "notifications",
  "audio",
  "display",
  "privacy",
  "presence",
] as const satisfies Section[];

/**
 * A stored document read back: each field of each section that is valid is kept, any other (a
 * field added since, a time zone this runtime no longer knows) takes its default.
 */
export function storedSettingsFrom(stored: unknown): StoredSettings {
  const shape = settingsSchema().shape;
  const out: Record<string, Record<string, unknown>> = {};
  for (const section of SECTIONS) {
    const defaults = DEFAULT_SETTINGS[section] as Record<string, unknown>;
    const given = (stored as Record<string, Record<string, unknown>> | null)?.[section] ?? {};
    const fields = shape[section].shape as Record<string, z.ZodType>;
    out[section] = {};
    for (const [key, fallback] of Object.entries(defaults)) {
      if (section === "privacy" && (key === "autoRecord" || key === "retentionDays")) continue;
      // Absent is the common case (nothing changed): no parse, whose failure costs an error.
      const value = given?.[key];
      const parsed = value === undefined ? null : fields[key].safeParse(value);
      out[section][key] = parsed?.success ? parsed.data : fallback;
    }
  }
  return out as unknown as StoredSettings;
}

/** The document with a patch applied (the user's own two fields are not the document's). */
export function patchStored(stored: StoredSettings, patch: SettingsPatch): StoredSettings {
  const { autoRecord: _a, retentionDays: _r, ...privacyPatch } = patch.privacy ?? {};
  return {
    notifications: { ...stored.notifications, ...patch.notifications },
    audio: { ...stored.audio, ...patch.audio },
    display: { ...stored.display, ...patch.display },
    privacy: { ...stored.privacy, ...privacyPatch },
    presence: { ...stored.presence, ...patch.presence },
  };
}

/** The whole settings: the document and the user's own recording fields. */
export function fullSettings(
  stored: StoredSettings,
  own: { recordCalls: boolean; retentionDays: number },
): Settings {
  return {
    ...stored,
    privacy: { ...stored.privacy, autoRecord: own.recordCalls, retentionDays: own.retentionDays },
  };
}

/** The settings document's view of a user with none stored: the defaults. */
export function defaultStored(): StoredSettings {
  return storedSettingsFrom(null);
}

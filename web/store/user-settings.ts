/**
 * Each user's settings document (shared/settings.ts `StoredSettings`): notifications, audio,
 * display and privacy choices other than the two recording fields the user record keeps. The
 * store keeps what it is given as it is; readers pass it through `storedSettingsFrom`, so a
 * document written before a field existed reads with that field's default.
 */
import { type StoredSettings, storedSettingsFrom } from "../../shared/settings.ts";

export interface UserSettingsStore {
  /** The user's document, or null when they never saved one. */
  getUserSettings(userId: string): Promise<StoredSettings | null>;
  /** Replaces the user's document. */
  saveUserSettings(userId: string, settings: StoredSettings, at: Date): Promise<void>;
  /** Removes the user's document (their defaults apply again); true when there was one. */
  deleteUserSettings(userId: string): Promise<boolean>;
}

/**
 * The user's settings document read back with every missing field at its default: what a service
 * acting on one setting (the call service, the lookup, the Twilio webhooks) asks for.
 */
export async function settingsOfUser(
  store: Pick<UserSettingsStore, "getUserSettings">,
  userId: string,
): Promise<StoredSettings> {
  const document = await store.getUserSettings(userId);
  if (document === null) return DEFAULTS;
  let read = READ.get(document);
  if (!read) READ.set(document, read = frozen(storedSettingsFrom(document)));
  return read;
}

/*
 * Reading a document back is pure, and the lookup cache hands out the same document for a
 * second: each is read once (the lookup's settings were a twentieth of its time). Frozen, since
 * every caller shares them.
 */
const READ = new WeakMap<StoredSettings, StoredSettings>();
const frozen = (settings: StoredSettings): StoredSettings => {
  for (const section of Object.values(settings)) Object.freeze(section);
  return Object.freeze(settings);
};
const DEFAULTS = frozen(storedSettingsFrom(null));

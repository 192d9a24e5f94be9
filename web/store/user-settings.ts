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
  return storedSettingsFrom(await store.getUserSettings(userId));
}

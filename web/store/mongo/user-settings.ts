/** Users' settings documents in MongoDB, keyed by user id. */
import type { Db } from "mongodb";
import type { StoredSettings } from "../../../shared/settings.ts";
import type { UserSettingsStore } from "../user-settings.ts";

type SettingsDoc = { _id: string; settings: StoredSettings; updatedAt: Date };

/** The user settings store (keyed by user id, so it needs no extra index). */
export function mongoUserSettings(db: Db): Promise<UserSettingsStore> {
  const settings = db.collection<SettingsDoc>("userSettings");
  return Promise.resolve({
    async getUserSettings(userId) {
      const doc = await settings.findOne({ _id: userId });
      return doc?.settings ?? null;
    },
    async saveUserSettings(userId, value, at) {
      await settings.updateOne(
        { _id: userId },
        { $set: { settings: value, updatedAt: at } },
        { upsert: true },
      );
    },
    async deleteUserSettings(userId) {
      return (await settings.deleteOne({ _id: userId })).deletedCount === 1;
    },
  });
}

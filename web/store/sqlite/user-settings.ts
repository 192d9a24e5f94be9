/** Users' settings documents in SQLite: one JSON text per user. */
import type { UserSettingsStore } from "../user-settings.ts";
import type { Db, Sync } from "./db.ts";

/** The user settings store over an open database. */
export function sqliteUserSettings(db: Db): Sync<UserSettingsStore> {
  return {
    getUserSettings(userId) {
      const row = db.sql("SELECT settings FROM user_settings WHERE user_id = ?").get(userId) as
        | { settings: string }
        | undefined;
      return row ? JSON.parse(row.settings) : null;
    },
    saveUserSettings(userId, settings, at) {
      db.sql(
        `INSERT INTO user_settings (user_id, settings, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET settings = excluded.settings,
           updated_at = excluded.updated_at`,
      ).run(userId, JSON.stringify(settings), at.getTime());
    },
    deleteUserSettings: (userId) =>
      db.sql("DELETE FROM user_settings WHERE user_id = ?").run(userId).changes === 1,
  };
}

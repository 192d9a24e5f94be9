/** Phone presence in SQLite. */
import type { PhonePresence, PhonePresenceStore } from "../phone-presence.ts";
import type { Db, Shape, Sync } from "./db.ts";

const PRESENCE: Shape = { dates: ["changedAt"], booleans: ["online"] };

/** The phone presence store over an open database. */
export function sqlitePhonePresence(db: Db): Sync<PhonePresenceStore> {
  return {
    notePhonePresence: (presence) =>
      db.insert(
        "phone_presence",
        presence,
        `ON CONFLICT (user_id) DO UPDATE SET online = excluded.online,
           changed_at = excluded.changed_at
         WHERE excluded.changed_at >= phone_presence.changed_at`,
      ).changes === 1,
    getPhonePresence: (userId) =>
      db.one<PhonePresence>(PRESENCE, "SELECT * FROM phone_presence WHERE user_id = ?", userId),
  };
}

/** The directory and favourites in SQLite. */
import type { PeopleStore } from "../people.ts";
import type { DirectoryEntry } from "../users.ts";
import { type Db, decode, type Row, type Shape, type Sync } from "./db.ts";

const ENTRY: Shape = { dates: [], booleans: ["isActive"] };
const COLUMNS = "u.id, u.care4w_id, u.display_name, u.is_active";

/** The people store over an open database. */
export function sqlitePeople(db: Db): Sync<PeopleStore> {
  // The same folding as the admin's search (password-resets.ts), registered here as well so
  // this part works on its own: SQLite's lower() folds ASCII only.
  db.raw.function(
    "cf_fold",
    { deterministic: true },
    (value) => typeof value === "string" ? value.toLowerCase() : value,
  );
  const entries = (rows: unknown[]) =>
    (rows as Row[]).map((row) => decode<DirectoryEntry>(row, ENTRY));
  return {
    searchDirectory(text, offset, limit) {
      // instr(), not LIKE: the text is matched as it is. A scan bounded by the organisation's
      // size; the route's rate limit keeps it from being asked in a loop.
      return entries(
        db.sql(
          `SELECT ${COLUMNS} FROM users u WHERE u.is_active = 1
             AND (instr(cf_fold(u.display_name), :text) > 0 OR instr(cf_fold(u.care4w_id), :text) > 0)
           ORDER BY cf_fold(u.display_name), u.sequence_number LIMIT :limit OFFSET :offset`,
        ).all({ text: text.toLowerCase(), limit, offset }),
      );
    },
    addFavourite: (userId, favouriteUserId, at) =>
      db.sql(
        `INSERT INTO favourites (user_id, favourite_user_id, created_at) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ).run(userId, favouriteUserId, at.getTime()).changes === 1,
    removeFavourite: (userId, favouriteUserId) =>
      db.sql("DELETE FROM favourites WHERE user_id = ? AND favourite_user_id = ?")
        .run(userId, favouriteUserId).changes === 1,
    listFavourites(userId, limit) {
      return entries(
        db.sql(
          `SELECT ${COLUMNS} FROM favourites f JOIN users u ON u.id = f.favourite_user_id
           WHERE f.user_id = ? AND u.is_active = 1
           ORDER BY cf_fold(u.display_name), u.sequence_number LIMIT ?`,
        ).all(userId, limit),
      );
    },
    countFavourites: (userId) =>
      Number(
        (db.sql("SELECT COUNT(*) AS n FROM favourites WHERE user_id = ?").get(userId) as Row).n,
      ),
  };
}

/**
 * Colleagues: the directory every signed-in user may search (active users, by name or CareFlow
 * ID, never by email: the directory must not become a way to probe addresses) and each user's
 * favourites.
 */
import type { DirectoryEntry } from "./users.ts";

/** Favourites a user may keep: a short list to call from, not an address book. */
export const MAX_FAVOURITES = 100;

export interface PeopleStore {
  /**
   * Active users whose display name or CareFlow ID contains `text`, ignoring case (everyone
   * active when it is ""), in name order (then CareFlow ID order): `limit` of them from
   * `offset`. `%`, `_` and `\` in `text` are plain characters, never patterns.
   */
  searchDirectory(text: string, offset: number, limit: number): Promise<DirectoryEntry[]>;
  /** Stars `favouriteUserId` for `userId`; false when it already was. */
  addFavourite(userId: string, favouriteUserId: string, at: Date): Promise<boolean>;
  /** Unstars; false when it was not starred. */
  removeFavourite(userId: string, favouriteUserId: string): Promise<boolean>;
  /** The user's favourites who are still active, in name order, at most `limit`. */
  listFavourites(userId: string, limit: number): Promise<DirectoryEntry[]>;
  /** How many favourites the user keeps (deactivated colleagues included). */
  countFavourites(userId: string): Promise<number>;
}

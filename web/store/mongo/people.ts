/** The directory and favourites in MongoDB. */
import { type Db, type Filter, ObjectId } from "mongodb";
import type { PeopleStore } from "../people.ts";
import type { DirectoryEntry } from "../users.ts";
import type { UserDoc } from "./users.ts";

interface FavouriteDoc {
  /** `<userId>:<favouriteUserId>`: starring twice is one document. */
  _id: string;
  userId: string;
  favouriteUserId: string;
  createdAt: Date;
}

/** Names sort as people read them: case and accents do not split the list. */
const BY_NAME = { locale: "en", strength: 2 } as const;
const PROJECTION = { _id: 1, care4wId: 1, displayName: 1, isActive: 1 } as const;
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const entry = (doc: Pick<UserDoc, "_id" | "care4wId" | "displayName" | "isActive">) => ({
  id: doc._id.toHexString(),
  care4wId: doc.care4wId,
  displayName: doc.displayName,
  isActive: doc.isActive,
} satisfies DirectoryEntry);

/** The people store; favourites are indexed by their owner. */
export async function mongoPeople(db: Db): Promise<PeopleStore> {
  const users = db.collection<UserDoc>("users");
  const favourites = db.collection<FavouriteDoc>("favourites");
  await favourites.createIndex({ userId: 1 });
  const named = (filter: Filter<UserDoc>) =>
    users.find(filter, { projection: PROJECTION, collation: BY_NAME })
      .sort({ displayName: 1, sequenceNumber: 1 });
  return {
    async searchDirectory(text, offset, limit) {
      // Escaped, so the text is matched as it is; a scan bounded by the organisation's size.
      const pattern = { $regex: literal(text), $options: "i" };
      const filter: Filter<UserDoc> = {
        isActive: true,
        $or: [{ displayName: pattern }, { care4wId: pattern }],
      };
      return (await named(filter).skip(offset).limit(limit).toArray()).map(entry);
    },
    async addFavourite(userId, favouriteUserId, at) {
      const result = await favourites.updateOne(
        { _id: `${userId}:${favouriteUserId}` },
        { $setOnInsert: { userId, favouriteUserId, createdAt: at } },
        { upsert: true },
      );
      return result.upsertedCount === 1;
    },
    async removeFavourite(userId, favouriteUserId) {
      const result = await favourites.deleteOne({ _id: `${userId}:${favouriteUserId}` });
      return result.deletedCount === 1;
    },
    async listFavourites(userId, limit) {
      const starred = await favourites.find({ userId }, { projection: { favouriteUserId: 1 } })
        .toArray();
      const ids = starred.map((doc) => doc.favouriteUserId).filter((id) =>
        /^[0-9a-f]{24}$/i.test(id)
      ).map((id) => new ObjectId(id));
      if (ids.length === 0) return [];
      return (await named({ _id: { $in: ids }, isActive: true }).limit(limit).toArray())
        .map(entry);
    },
    countFavourites: (userId) => favourites.countDocuments({ userId }),
  };
}

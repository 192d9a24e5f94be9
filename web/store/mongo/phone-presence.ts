/** Phone presence in MongoDB, keyed by user id. */
import type { Db } from "mongodb";
import type { PhonePresence, PhonePresenceStore } from "../phone-presence.ts";
import { isDuplicateKey } from "./db.ts";

type PresenceDoc = Omit<PhonePresence, "userId"> & { _id: string };

/** The phone presence store (keyed by user id, so it needs no extra index). */
export function mongoPhonePresence(db: Db): Promise<PhonePresenceStore> {
  const presence = db.collection<PresenceDoc>("phonePresence");
  return Promise.resolve({
    async notePhonePresence({ userId, online, changedAt }) {
      try {
        // Only an older (or equal) entry is replaced; with none, the upsert inserts.
        const result = await presence.updateOne(
          { _id: userId, changedAt: { $lte: changedAt } },
          { $set: { online, changedAt } },
          { upsert: true },
        );
        return result.matchedCount + result.upsertedCount === 1;
      } catch (error) {
        // A newer entry exists: the filter missed it and the upsert hit its _id.
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async getPhonePresence(userId) {
      const doc = await presence.findOne({ _id: userId });
      if (!doc) return null;
      return { userId: doc._id, online: doc.online, changedAt: doc.changedAt };
    },
  });
}

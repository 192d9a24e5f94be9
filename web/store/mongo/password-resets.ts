/** Password-reset links, password hashes, other sessions and the people list, in MongoDB. */
import { type Db, type Filter, ObjectId } from "mongodb";
import type {
  AccountSecurityStore,
  PasswordReset,
  PasswordResetStore,
  UserListStore,
} from "../password-resets.ts";
import { isDuplicateKey } from "./db.ts";
import { toUser, type UserDoc } from "./users.ts";

/**
 * `pendingUser` is the user id while the reset is unused and absent after: a unique index on it
 * holds one unused link per user across app instances, with no transaction.
 */
type ResetDoc = Omit<PasswordReset, "id"> & { _id: string; pendingUser?: string };

function toReset({ _id, pendingUser: _, ...rest }: ResetDoc): PasswordReset {
  return { id: _id, ...rest };
}

/** The password-reset store; creates its indexes first. */
export async function mongoPasswordResets(db: Db): Promise<PasswordResetStore> {
  const resets = db.collection<ResetDoc>("passwordResets");
  await resets.createIndexes([
    { key: { tokenHash: 1 }, name: "tokenHash_unique", unique: true },
    {
      key: { pendingUser: 1 },
      name: "pendingUser_unique",
      unique: true,
      partialFilterExpression: { pendingUser: { $type: "string" } },
    },
  ]);
  return {
    async createPasswordReset({ id, ...rest }) {
      const doc: ResetDoc = { _id: id, ...rest, usedAt: null, pendingUser: rest.userId };
      // A concurrent link for the same user can slip in between the two writes: the unique
      // index refuses the insert, and the next round replaces that one too.
      for (let attempt = 1;; attempt++) {
        await resets.deleteMany({ pendingUser: rest.userId });
        try {
          await resets.insertOne(doc);
          return;
        } catch (error) {
          if (!isDuplicateKey(error) || attempt >= 3) throw error;
        }
      }
    },
    async findPasswordResetByTokenHash(tokenHash) {
      const doc = await resets.findOne({ tokenHash });
      return doc ? toReset(doc) : null;
    },
    async consumePasswordReset(tokenHash, at) {
      // One findOneAndUpdate: the server applies the condition and the change as one step.
      const doc = await resets.findOneAndUpdate(
        { tokenHash, usedAt: null, expiresAt: { $gt: at } },
        { $set: { usedAt: at }, $unset: { pendingUser: "" } },
        { returnDocument: "after" },
      );
      return doc ? toReset(doc) : null;
    },
    async deleteUserPasswordResets(userId) {
      await resets.deleteMany({ pendingUser: userId });
    },
  };
}

/** Only a 24-hex string can be a user id here; anything else simply matches no one. */
function objectIdOrNull(id: string): ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : null;
}

/** Password hashes and "sign out everywhere else". */
export function mongoAccountSecurity(db: Db): AccountSecurityStore {
  const users = db.collection<UserDoc>("users");
  const sessions = db.collection<{ _id: string; userId: string }>("sessions");
  return {
    async setPasswordHash(userId, passwordHash) {
      const _id = objectIdOrNull(userId);
      if (!_id) return false;
      // Only where a password is set: a Firebase account never gains a local one.
      const result = await users.updateOne(
        { _id, passwordHash: { $type: "string" } },
        { $set: { passwordHash, updatedAt: new Date() } },
      );
      return result.matchedCount > 0;
    },
    async deleteOtherSessions(userId, keepSessionId) {
      return (await sessions.deleteMany({ userId, _id: { $ne: keepSessionId } })).deletedCount;
    },
  };
}

/** `text` as a regular expression that matches exactly it, anywhere. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The people list, its search and the admins' role guard; the user store's indexes serve it. */
export async function mongoUserList(db: Db): Promise<UserListStore> {
  const users = db.collection<UserDoc>("users");
  const credentials = db.collection<{ _id: string }>("sipCredentials");
  await users.createIndexes([{ key: { sequenceNumber: 1 }, name: "sequenceNumber" }]);
  const page = (filter: Filter<UserDoc>, limit: number) =>
    users.find(filter).sort({ sequenceNumber: 1 }).limit(limit).toArray();
  return {
    async listUsers(afterSequence, limit) {
      return (await page({ sequenceNumber: { $gt: afterSequence } }, limit)).map(toUser);
    },
    async searchUsers(text, afterSequence, limit) {
      // Escaped, so the text is matched as it is; a scan in CareFlow ID order, bounded by the
      // organisation's size (the admin section is the only caller).
      const pattern = { $regex: literal(text), $options: "i" };
      const filter: Filter<UserDoc> = {
        sequenceNumber: { $gt: afterSequence },
        $or: [{ displayName: pattern }, { emailLower: pattern }, { care4wId: pattern }],
      };
      return (await page(filter, limit)).map(toUser);
    },
    async withPhonePassword(userIds) {
      if (userIds.length === 0) return [];
      const found = await credentials.find({ _id: { $in: [...userIds] } }, {
        projection: { _id: 1 },
      }).toArray();
      return found.map((doc) => doc._id);
    },
    async demoteAdmin(userId, at) {
      const _id = objectIdOrNull(userId);
      if (!_id) return "unchanged";
      // No multi-document transaction without a replica set: demote, then look. Should no active
      // admin remain, the demotion is undone; two admins demoting themselves at once both end up
      // refused (and still admins), never both demoted.
      const before = await users.findOneAndUpdate(
        { _id, role: "admin" },
        { $set: { role: "user", updatedAt: at } },
      );
      if (!before) return "unchanged";
      if (await users.countDocuments({ role: "admin", isActive: true }, { limit: 1 }) > 0) {
        return "demoted";
      }
      await users.updateOne({ _id }, { $set: { role: "admin", updatedAt: before.updatedAt } });
      return "last-admin";
    },
  };
}

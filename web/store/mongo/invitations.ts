/** Sign-up invitations in MongoDB. */
import type { Db } from "mongodb";
import type { Invitation, InvitationStore } from "../invitations.ts";
import { isDuplicateKey } from "./db.ts";

/**
 * `pendingEmail` is the email while the invitation is unused and absent after: a unique index on
 * it holds one unused invitation per email across app instances, with no transaction.
 */
type InvitationDoc = Omit<Invitation, "id"> & { _id: string; pendingEmail?: string };

function toInvitation({ _id, pendingEmail: _, ...rest }: InvitationDoc): Invitation {
  return { id: _id, ...rest };
}

/** The invitation store; creates its indexes first. */
export async function mongoInvitations(db: Db): Promise<InvitationStore> {
  const invitations = db.collection<InvitationDoc>("invitations");
  await invitations.createIndexes([
    { key: { tokenHash: 1 }, name: "tokenHash_unique", unique: true },
    {
      key: { pendingEmail: 1 },
      name: "pendingEmail_unique",
      unique: true,
      partialFilterExpression: { pendingEmail: { $type: "string" } },
    },
    { key: { usedAt: 1, expiresAt: 1 }, name: "usedAt_expiresAt" },
  ]);
  return {
    async createInvitation({ id, ...rest }) {
      const doc = { _id: id, ...rest, usedAt: null, usedBy: null, pendingEmail: rest.email };
      // A concurrent invitation of the same email can slip in between the two writes: the
      // unique index refuses the insert, and the next round replaces that one too.
      for (let attempt = 1;; attempt++) {
        await invitations.deleteMany({ pendingEmail: rest.email });
        try {
          await invitations.insertOne(doc);
          return;
        } catch (error) {
          if (!isDuplicateKey(error) || attempt >= 3) throw error;
        }
      }
    },
    async listPendingInvitations(at) {
      const docs = await invitations.find({ usedAt: null, expiresAt: { $gt: at } })
        .sort({ createdAt: -1, _id: 1 }).toArray();
      return docs.map(toInvitation);
    },
    async findInvitationByTokenHash(tokenHash) {
      const doc = await invitations.findOne({ tokenHash });
      return doc ? toInvitation(doc) : null;
    },
    async consumeInvitation(tokenHash, at) {
      // One findOneAndUpdate: the server applies the condition and the change as one step.
      const doc = await invitations.findOneAndUpdate(
        { tokenHash, usedAt: null, expiresAt: { $gt: at } },
        { $set: { usedAt: at }, $unset: { pendingEmail: "" } },
        { returnDocument: "after" },
      );
      return doc ? toInvitation(doc) : null;
    },
    async recordInvitationUser(id, userId) {
      await invitations.updateOne({ _id: id, usedAt: { $ne: null } }, { $set: { usedBy: userId } });
    },
    async releaseInvitation(id) {
      try {
        await invitations.updateOne(
          { _id: id, usedAt: { $ne: null }, usedBy: null },
          [{ $set: { usedAt: null, pendingEmail: "$email" } }],
        );
      } catch (error) {
        // A newer invitation for the email is pending: this one stays used.
        if (!isDuplicateKey(error)) throw error;
      }
    },
    async deleteInvitation(id) {
      return (await invitations.deleteOne({ _id: id, usedAt: null })).deletedCount > 0;
    },
  };
}

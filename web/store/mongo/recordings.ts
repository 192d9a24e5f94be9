/** Recordings and voicemail in MongoDB (documents: `recording-docs.ts`). */
import type { Db } from "mongodb";
import type { RecordingStore } from "../recordings.ts";
import { isDuplicateKey } from "./db.ts";
import {
  ownerFilter,
  patchSet,
  type RecordingDoc,
  SORTS,
  toDoc,
  toRecording,
} from "./recording-docs.ts";

/** MongoDB reads limit(0) as "no limit", so a zero limit is answered without a query. */
const clampLimit = (limit: number) => Math.max(0, Math.floor(limit));

/** The recording store; creates its indexes first. */
export async function mongoRecordings(db: Db): Promise<RecordingStore> {
  const recordings = db.collection<RecordingDoc>("recordings");
  await recordings.createIndexes([
    // The owner's list and stored bytes.
    { key: { ownerUserId: 1, recordedAt: -1 }, name: "owner_recordedAt" },
    { key: { ownerUserId: 1, type: 1, isListened: 1 }, name: "owner_type_isListened" },
    // The sweeper: purge candidates (by status, then deletedAt or recordedAt) and stalls.
    { key: { status: 1, deletedAt: 1 }, name: "status_deletedAt" },
    { key: { status: 1, recordedAt: 1 }, name: "status_recordedAt" },
    { key: { status: 1, archivedAt: 1 }, name: "status_archivedAt" },
    { key: { status: 1, updatedAt: 1 }, name: "status_updatedAt" },
  ]);
  const many = async (docs: Promise<RecordingDoc[]>) => (await docs).map(toRecording);

  return {
    async insertRecording(recording) {
      try {
        await recordings.insertOne(toDoc(recording));
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async getRecordingForOwner(id, ownerUserId) {
      const doc = await recordings.findOne({ _id: id, ownerUserId });
      return doc ? toRecording(doc) : null;
    },
    async getRecording(id) {
      const doc = await recordings.findOne({ _id: id });
      return doc ? toRecording(doc) : null;
    },
    async listRecordingsForOwner(ownerUserId, query) {
      const filter = ownerFilter(ownerUserId, query);
      const limit = clampLimit(query.limit);
      const skip = (Math.max(1, Math.floor(query.page)) - 1) * limit;
      const sort = SORTS[query.sort ?? "newest"] ?? SORTS.newest;
      const [found, total] = await Promise.all([
        limit === 0
          ? Promise.resolve([])
          : many(recordings.find(filter).sort(sort).skip(skip).limit(limit).toArray()),
        recordings.countDocuments(filter),
      ]);
      return { recordings: found, total };
    },
    async updateRecording(id, patch, at = new Date()) {
      const doc = await recordings.findOneAndUpdate(
        { _id: id },
        { $set: patchSet(patch, at) },
        { returnDocument: "after" },
      );
      return doc ? toRecording(doc) : null;
    },
    async storedBytesForOwner(ownerUserId) {
      const [sum] = await recordings.aggregate<{ bytes: number }>([
        // `purgedAt: null` also matches documents without the field.
        { $match: { ownerUserId, purgedAt: null } },
        { $group: { _id: null, bytes: { $sum: "$fileSize" } } },
      ]).toArray();
      return sum?.bytes ?? 0;
    },
    countUnlistenedVoicemail: (ownerUserId) =>
      recordings.countDocuments({
        ownerUserId,
        type: "voicemail",
        isListened: false,
        status: { $ne: "deleted" },
      }),
    async listPurgeCandidates({ deletedBefore, archivedBefore, recordedBefore, limit, after }) {
      if (clampLimit(limit) === 0) return [];
      // Each $or branch can use its own status index; the branches are disjoint by status.
      const due = {
        purgedAt: null,
        $or: [
          { status: "deleted" as const, deletedAt: { $lt: deletedBefore } },
          { status: "archived" as const, archivedAt: { $lt: archivedBefore } },
          { status: "active" as const, recordedAt: { $lt: recordedBefore } },
        ],
      };
      const page = after
        ? {
          $or: [
            { recordedAt: { $gt: after.recordedAt } },
            { recordedAt: after.recordedAt, _id: { $gt: after.id } },
          ],
        }
        : {};
      return await many(
        recordings.find({ $and: [due, page] }).sort({ recordedAt: 1, _id: 1 })
          .limit(clampLimit(limit)).toArray(),
      );
    },
    async listStalled(before, limit) {
      if (clampLimit(limit) === 0) return [];
      return await many(
        recordings.find({
          status: { $in: ["recording", "processing"] },
          updatedAt: { $lt: before },
        }).sort({ updatedAt: 1, _id: 1 }).limit(clampLimit(limit)).toArray(),
      );
    },
  };
}

/**
 * The access trail in MongoDB: a unique index on `seq` decides which of two concurrent appends
 * gets a number; the loser reads the new last entry and builds again. No transactions needed
 * (they would require a replica set), and it holds across app instances.
 */
import type { Db, Document, Filter, WithId } from "mongodb";
import type { TrailEntry } from "../../recordings/recording.ts";
import { assertNextEntry } from "../../recordings/trail.ts";
import type { AccessTrailStore } from "../access-trail.ts";
import { isDuplicateKey } from "./db.ts";

/**
 * Every lost race means another append succeeded, so an append fails at most once per
 * concurrent appender; this bound is far above any real concurrency and stops a livelock.
 */
const MAX_ATTEMPTS = 200;

const toEntry = ({ _id: _, ...entry }: WithId<TrailEntry>): TrailEntry => entry;

/** True when a duplicate-key error is about `seq` (not some other unique index). */
function lostSeqRace(error: unknown): boolean {
  if (!isDuplicateKey(error)) return false;
  const { keyPattern, message } = error as { keyPattern?: Document; message?: string };
  return Object.hasOwn(keyPattern ?? {}, "seq") || (message ?? "").includes("seq_unique");
}

/** A short random pause, growing with the attempt, so racing appenders spread out. */
const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20, 2 ** attempt)));

/** The access trail; creates its indexes first. */
export async function mongoAccessTrail(db: Db): Promise<AccessTrailStore> {
  const trail = db.collection<TrailEntry>("accessTrail");
  await trail.createIndexes([
    { key: { seq: 1 }, name: "seq_unique", unique: true },
    { key: { recordingId: 1, seq: 1 }, name: "recordingId_seq" },
    // The admins' "what did this person open" view, newest first.
    { key: { actorUserId: 1, seq: -1 }, name: "actorUserId_seq" },
  ]);
  const lastEntry = async () => {
    const doc = await trail.findOne({}, { sort: { seq: -1 } });
    return doc ? toEntry(doc) : null;
  };

  return {
    async appendTrail(build) {
      for (let attempt = 1;; attempt++) {
        const last = await lastEntry();
        const entry = build(last);
        assertNextEntry(last, entry);
        try {
          // A copy: insertOne adds `_id` to the object it is given.
          await trail.insertOne({ ...entry });
          return entry;
        } catch (error) {
          if (!lostSeqRace(error)) throw error;
          if (attempt >= MAX_ATTEMPTS) {
            throw new Error(`access trail: no free seq after ${MAX_ATTEMPTS} attempts`);
          }
          await backoff(attempt);
        }
      }
    },
    async listTrailForRecording(recordingId) {
      return (await trail.find({ recordingId }).sort({ seq: 1 }).toArray()).map(toEntry);
    },
    async listTrail(fromSeq, limit) {
      const count = Math.max(0, Math.floor(limit));
      // limit(0) means "no limit" to MongoDB.
      if (count === 0) return [];
      const docs = await trail.find({ seq: { $gte: fromSeq } }).sort({ seq: 1 }).limit(count)
        .toArray();
      return docs.map(toEntry);
    },
    async searchTrail(filter, offset, limit) {
      const count = Math.max(0, Math.floor(limit));
      if (count === 0) return [];
      const query: Filter<TrailEntry> = {};
      if (filter.actorUserId !== undefined) query.actorUserId = filter.actorUserId;
      if (filter.recordingId !== undefined) query.recordingId = filter.recordingId;
      if (filter.from || filter.to) {
        query.at = {
          ...(filter.from ? { $gte: filter.from } : {}),
          ...(filter.to ? { $lt: filter.to } : {}),
        };
      }
      const docs = await trail.find(query).sort({ seq: -1 }).skip(Math.max(0, Math.floor(offset)))
        .limit(count).toArray();
      return docs.map(toEntry);
    },
  };
}

/** Call history in MongoDB. */
import type { Db, Document, Filter } from "mongodb";
import type { CallRecord } from "../../calls/rules.ts";
import type { CallQuery, CallStore } from "../calls.ts";
import { isDuplicateKey } from "./db.ts";

/** Lower-cased names are stored so search is case-insensitive beyond ASCII without collations. */
type CallDoc = Omit<CallRecord, "id"> & {
  _id: string;
  callerNameLower: string;
  calleeNameLower: string;
};

function toCall({ _id, callerNameLower: _a, calleeNameLower: _b, ...rest }: CallDoc): CallRecord {
  // Calls stored before recording, outside phones, quality and transfers existed lack them.
  return {
    id: _id,
    ...rest,
    callerPhone: rest.callerPhone ?? null,
    calleePhone: rest.calleePhone ?? null,
    recordedBy: rest.recordedBy ?? null,
    hangupCause: rest.hangupCause ?? null,
    quality: rest.quality ?? null,
    transferredBy: rest.transferredBy ?? null,
    transferredTo: rest.transferredTo ?? null,
  };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Builds the history filter; a self-call counts once, as outbound (same as the SQLite store). */
function callFilter(userId: string, query: CallQuery): Filter<CallDoc> {
  const filter: Document = {};
  if (query.status) filter.status = query.status;
  if (query.from || query.to) {
    filter.startedAt = {
      ...(query.from ? { $gte: query.from } : {}),
      ...(query.to ? { $lt: query.to } : {}),
    };
  }
  const search = (other: "caller" | "callee"): Document => {
    if (!query.q) return {};
    const pattern = escapeRegex(query.q.toLowerCase());
    return {
      $or: [
        { [`${other}NameLower`]: { $regex: pattern } },
        { [`${other}Care4wId`]: { $regex: pattern, $options: "i" } },
        { [`${other}Phone`]: { $regex: pattern } },
      ],
    };
  };
  const branches: Document[] = [];
  if (query.direction !== "inbound") {
    branches.push({ callerUserId: userId, ...search("callee") });
  }
  if (query.direction !== "outbound") {
    branches.push({ calleeUserId: userId, callerUserId: { $ne: userId }, ...search("caller") });
  }
  return { ...filter, ...(branches.length === 1 ? branches[0] : { $or: branches }) };
}

/** The call store; creates its indexes first. */
export async function mongoCalls(db: Db): Promise<CallStore> {
  const calls = db.collection<CallDoc>("calls");
  await calls.createIndexes([
    { key: { callerUserId: 1, startedAt: -1 }, name: "caller_startedAt" },
    { key: { calleeUserId: 1, startedAt: -1 }, name: "callee_startedAt" },
  ]);
  return {
    async insertCall({ id, ...rest }) {
      try {
        await calls.insertOne({
          _id: id,
          ...rest,
          callerNameLower: rest.callerName.toLowerCase(),
          calleeNameLower: rest.calleeName.toLowerCase(),
        });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async listCallsForUser(userId, query) {
      const filter = callFilter(userId, query);
      const limit = Math.max(0, Math.floor(query.limit));
      const skip = (Math.max(1, Math.floor(query.page)) - 1) * limit;
      // limit(0) means "no limit" to MongoDB, so an empty page is answered without a find.
      const [docs, total] = await Promise.all([
        limit === 0
          ? Promise.resolve([])
          : calls.find(filter).sort({ startedAt: -1, _id: -1 }).skip(skip).limit(limit).toArray(),
        calls.countDocuments(filter),
      ]);
      return { calls: docs.map(toCall), total };
    },
    hasCall: async (callId) =>
      (await calls.findOne({ _id: callId }, { projection: { _id: 1 } })) !== null,
    async getCallForUser(callId, userId) {
      const doc = await calls.findOne({
        _id: callId,
        $or: [{ callerUserId: userId }, { calleeUserId: userId }],
      });
      return doc ? toCall(doc) : null;
    },
    async recordCallQuality(callId, userId, quality) {
      const mine = {
        _id: callId,
        mode: "webrtc" as const,
        $or: [{ callerUserId: userId }, { calleeUserId: userId }],
      };
      if (!(await calls.findOne(mine, { projection: { _id: 1 } }))) return false;
      await calls.updateOne(
        { _id: callId, $or: [{ quality: null }, { "quality.mos": { $gt: quality.mos } }] },
        { $set: { quality } },
      );
      return true;
    },
  };
}

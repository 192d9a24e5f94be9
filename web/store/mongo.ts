/**
 * MongoDB store for production. Uniqueness lives in indexes (so it holds across app instances) and
 * CareFlow IDs come from an atomic counter document. No transactions: they need a replica set.
 */
import { type Collection, type Document, type Filter, MongoClient, ObjectId } from "mongodb";
import { care4wIdFromSequence, FIRST_SEQUENCE } from "../../shared/care4w-id.ts";
import {
  type AgentOutboxEntry,
  type CallQuery,
  type CallRecord,
  type Session,
  type SipCredential,
  type Store,
  StoreConflictError,
  type User,
} from "./types.ts";

const CARE4W_COUNTER = "care4w";
/** The web layer only asks about recent failures; older ones are left to the TTL monitor. */
const LOGIN_FAILURE_TTL_SECONDS = 24 * 60 * 60;
const DUPLICATE_KEY = 11000;

type UserDoc = Omit<User, "id"> & { _id: ObjectId; emailLower: string };
type CounterDoc = { _id: string; value: number };
type SessionDoc = Omit<Session, "id"> & { _id: string };
type LoginFailureDoc = { key: string; at: Date };
/** Lower-cased names are stored so search is case-insensitive beyond ASCII without collations. */
type CallDoc = Omit<CallRecord, "id"> & {
  _id: string;
  callerNameLower: string;
  calleeNameLower: string;
};
type SipDoc = Omit<SipCredential, "userId"> & { _id: string };
type OutboxDoc = Omit<AgentOutboxEntry, "care4wId"> & { _id: string };

function toUser({ _id, emailLower: _, ...rest }: UserDoc): User {
  return { id: _id.toHexString(), ...rest };
}

function toSession({ _id, ...rest }: SessionDoc): Session {
  return { id: _id, ...rest };
}

function toCall({ _id, callerNameLower: _a, calleeNameLower: _b, ...rest }: CallDoc): CallRecord {
  return { id: _id, ...rest };
}

/** Only a 24-hex string can be a user id here; anything else simply matches no one. */
function objectIdOrNull(id: string): ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : null;
}

function isDuplicateKey(error: unknown): error is { code: number; keyPattern?: Document } {
  return typeof error === "object" && error !== null &&
    (error as { code?: unknown }).code === DUPLICATE_KEY;
}

/** The unique field a duplicate-key error is about, or null when it is not a user field. */
function conflictField(
  error: { keyPattern?: Document; message?: string },
): "email" | "firebaseUid" | null {
  // keyPattern is what servers send today; the index name in the message covers older ones.
  const keys = Object.keys(error.keyPattern ?? {});
  const message = error.message ?? "";
  if (keys.includes("emailLower") || message.includes("emailLower_unique")) return "email";
  if (keys.includes("firebaseUid") || message.includes("firebaseUid_unique")) return "firebaseUid";
  return null;
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

/** The database named in the URI's path, if any. */
function databaseFromUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return match ? decodeURIComponent(match[1]) : undefined;
}

/**
 * Connects to MongoDB and makes sure every index exists before returning. `dbName` defaults to the
 * database in the URI, then to `careflow`.
 */
export async function openMongoStore(uri: string, dbName?: string): Promise<Store> {
  const client = new MongoClient(uri);
  await client.connect();
  const db = client.db(dbName ?? databaseFromUri(uri) ?? "careflow");
  const users = db.collection<UserDoc>("users");
  const counters = db.collection<CounterDoc>("counters");
  const sessions = db.collection<SessionDoc>("sessions");
  const failures = db.collection<LoginFailureDoc>("loginFailures");
  const calls = db.collection<CallDoc>("calls");
  const sipCredentials = db.collection<SipDoc>("sipCredentials");
  const agentOutbox = db.collection<OutboxDoc>("agentOutbox");

  try {
    await Promise.all([
      users.createIndexes([
        { key: { emailLower: 1 }, name: "emailLower_unique", unique: true },
        { key: { care4wId: 1 }, name: "care4wId_unique", unique: true },
        {
          key: { firebaseUid: 1 },
          name: "firebaseUid_unique",
          unique: true,
          // Local accounts store null; only real uids must be unique.
          partialFilterExpression: { firebaseUid: { $type: "string" } },
        },
      ]),
      sessions.createIndexes([
        { key: { expiresAt: 1 }, name: "expiresAt_ttl", expireAfterSeconds: 0 },
        { key: { userId: 1 }, name: "userId" },
      ]),
      failures.createIndexes([
        { key: { key: 1, at: 1 }, name: "key_at" },
        { key: { at: 1 }, name: "at_ttl", expireAfterSeconds: LOGIN_FAILURE_TTL_SECONDS },
      ]),
      calls.createIndexes([
        { key: { callerUserId: 1, startedAt: -1 }, name: "caller_startedAt" },
        { key: { calleeUserId: 1, startedAt: -1 }, name: "callee_startedAt" },
      ]),
      agentOutbox.createIndexes([{ key: { queuedAt: 1, _id: 1 }, name: "queuedAt" }]),
    ]);
  } catch (error) {
    await client.close();
    throw error;
  }

  const nextCounter = async (name: string, collection: Collection<CounterDoc>) => {
    const increment = () =>
      collection.findOneAndUpdate(
        { _id: name },
        { $inc: { value: 1 } },
        { upsert: true, returnDocument: "after" },
      );
    try {
      return (await increment())!.value;
    } catch (error) {
      // Two first-ever upserts of one counter can race to insert it; the loser's retry increments.
      if (!isDuplicateKey(error)) throw error;
      return (await increment())!.value;
    }
  };

  const findUser = async (filter: Filter<UserDoc>) => {
    const doc = await users.findOne(filter);
    return doc ? toUser(doc) : null;
  };

  return {
    async createUser(input) {
      const emailLower = input.email.toLowerCase();
      // Checked first so the common conflict never touches the counter; the unique indexes still
      // decide races between instances.
      if (await users.findOne({ emailLower }, { projection: { _id: 1 } })) {
        throw new StoreConflictError("email");
      }
      if (
        input.firebaseUid !== null &&
        await users.findOne({ firebaseUid: input.firebaseUid }, { projection: { _id: 1 } })
      ) {
        throw new StoreConflictError("firebaseUid");
      }
      const value = await nextCounter(CARE4W_COUNTER, counters);
      const sequence = FIRST_SEQUENCE - 1 + value;
      const now = new Date();
      const doc: UserDoc = {
        _id: new ObjectId(),
        email: input.email,
        emailLower,
        displayName: input.displayName,
        care4wId: care4wIdFromSequence(sequence),
        sequenceNumber: sequence,
        role: input.role ?? "user",
        passwordHash: input.passwordHash,
        firebaseUid: input.firebaseUid,
        isActive: true,
        createdAt: now,
        updatedAt: now,
        lastLoginAt: null,
      };
      try {
        await users.insertOne(doc);
      } catch (error) {
        const field = isDuplicateKey(error) ? conflictField(error) : null;
        if (!field) throw error;
        // Lost a race: hand the number back if nobody has drawn a later one, so no gap remains.
        await counters.updateOne({ _id: CARE4W_COUNTER, value }, { $inc: { value: -1 } });
        throw new StoreConflictError(field);
      }
      return toUser(doc);
    },
    async findUserById(id) {
      const _id = objectIdOrNull(id);
      return _id ? await findUser({ _id }) : null;
    },
    findUserByEmail: (email) => findUser({ emailLower: email.toLowerCase() }),
    findUserByCare4wId: (care4wId) => findUser({ care4wId }),
    findUserByFirebaseUid: (uid) => findUser({ firebaseUid: uid }),
    async updateUser(id, patch) {
      const _id = objectIdOrNull(id);
      if (!_id) return null;
      const set: Partial<UserDoc> = { updatedAt: new Date() };
      if (patch.displayName !== undefined) set.displayName = patch.displayName;
      if (patch.isActive !== undefined) set.isActive = patch.isActive;
      if (patch.lastLoginAt !== undefined) set.lastLoginAt = patch.lastLoginAt;
      const doc = await users.findOneAndUpdate({ _id }, { $set: set }, { returnDocument: "after" });
      return doc ? toUser(doc) : null;
    },

    nextCounterValue: (name) => nextCounter(name, counters),

    async createSession({ id, ...rest }) {
      await sessions.insertOne({ _id: id, ...rest });
    },
    async getSession(id) {
      const doc = await sessions.findOne({ _id: id });
      return doc ? toSession(doc) : null;
    },
    async touchSession(id, lastSeenAt, expiresAt) {
      await sessions.updateOne({ _id: id }, { $set: { lastSeenAt, expiresAt } });
    },
    async deleteSession(id) {
      await sessions.deleteOne({ _id: id });
    },
    async deleteUserSessions(userId) {
      await sessions.deleteMany({ userId });
    },

    async recordLoginFailure(key, at) {
      await failures.insertOne({ key, at });
    },
    async listLoginFailures(key, since) {
      const docs = await failures.find({ key, at: { $gte: since } }).sort({ at: 1, _id: 1 })
        .toArray();
      return docs.map((doc) => doc.at);
    },
    async clearLoginFailures(key) {
      await failures.deleteMany({ key });
    },

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
    async getCallForUser(callId, userId) {
      const doc = await calls.findOne({
        _id: callId,
        $or: [{ callerUserId: userId }, { calleeUserId: userId }],
      });
      return doc ? toCall(doc) : null;
    },

    async saveSipCredential({ userId, ...rest }) {
      await sipCredentials.replaceOne({ _id: userId }, rest, { upsert: true });
    },
    async getSipCredential(userId) {
      const doc = await sipCredentials.findOne({ _id: userId });
      if (!doc) return null;
      const { _id, ...rest } = doc;
      return { userId: _id, ...rest };
    },

    async queueAgentSync(care4wId, at) {
      const doc = await agentOutbox.findOneAndUpdate(
        { _id: care4wId },
        { $inc: { version: 1 }, $setOnInsert: { queuedAt: at } },
        { upsert: true, returnDocument: "after" },
      );
      return doc!.version;
    },
    async listAgentSync(limit) {
      const count = Math.max(0, Math.floor(limit));
      // limit(0) means "no limit" to MongoDB.
      if (count === 0) return [];
      const docs = await agentOutbox.find().sort({ queuedAt: 1, _id: 1 }).limit(count).toArray();
      return docs.map(({ _id, ...rest }) => ({ care4wId: _id, ...rest }));
    },
    async clearAgentSync(care4wId, version) {
      const result = await agentOutbox.deleteOne({ _id: care4wId, version });
      return result.deletedCount === 1;
    },

    async close() {
      await client.close();
    },
  };
}

/** Users and CareFlow ID counters in MongoDB. */
import { type Db, type Document, type Filter, ObjectId } from "mongodb";
import { FIRST_SEQUENCE } from "../../../shared/care4w-id.ts";
import {
  DEFAULT_RETENTION_DAYS,
  freshUser,
  StoreConflictError,
  type User,
  type UserPatch,
  type UserStore,
} from "../users.ts";
import { type CounterDoc, isDuplicateKey, nextCounter } from "./db.ts";

const CARE4W_COUNTER = "care4w";

/** Documents written before the recording settings existed lack them (see `toUser`). */
export type UserDoc =
  & Omit<User, "id" | "recordCalls" | "retentionDays" | "voicemailGreetingKey" | "personalPhone">
  & Partial<Pick<User, "recordCalls" | "retentionDays" | "voicemailGreetingKey" | "personalPhone">>
  & { _id: ObjectId; emailLower: string };

/** A user document as a User; older documents get the settings `freshUser` gives new users. */
export function toUser({ _id, emailLower: _, ...rest }: UserDoc): User {
  return {
    id: _id.toHexString(),
    ...rest,
    recordCalls: rest.recordCalls ?? false,
    retentionDays: rest.retentionDays ?? DEFAULT_RETENTION_DAYS,
    voicemailGreetingKey: rest.voicemailGreetingKey ?? null,
    personalPhone: rest.personalPhone ?? null,
  };
}

/** Every field of `UserPatch`: only these reach `$set`, whatever else a caller passes. */
const PATCHABLE: readonly (keyof UserPatch)[] = [
  "displayName",
  "role",
  "isActive",
  "lastLoginAt",
  "recordCalls",
  "retentionDays",
  "voicemailGreetingKey",
  "personalPhone",
];

/** Only a 24-hex string can be a user id here; anything else simply matches no one. */
function objectIdOrNull(id: string): ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : null;
}

/** The unique field a duplicate-key error is about, or null when it is not a user field. */
function conflictField(
  error: { keyPattern?: Document; message?: string },
): "email" | "firebaseUid" | "personalPhone" | null {
  // keyPattern is what servers send today; the index name in the message covers older ones.
  const keys = Object.keys(error.keyPattern ?? {});
  const message = error.message ?? "";
  if (keys.includes("emailLower") || message.includes("emailLower_unique")) return "email";
  if (keys.includes("firebaseUid") || message.includes("firebaseUid_unique")) return "firebaseUid";
  if (keys.includes("personalPhone") || message.includes("personalPhone_unique")) {
    return "personalPhone";
  }
  return null;
}

/** The user store; creates its indexes first. */
export async function mongoUsers(db: Db): Promise<UserStore> {
  const users = db.collection<UserDoc>("users");
  const counters = db.collection<CounterDoc>("counters");
  await users.createIndexes([
    { key: { emailLower: 1 }, name: "emailLower_unique", unique: true },
    { key: { care4wId: 1 }, name: "care4wId_unique", unique: true },
    {
      key: { firebaseUid: 1 },
      name: "firebaseUid_unique",
      unique: true,
      // Local accounts store null; only real uids must be unique.
      partialFilterExpression: { firebaseUid: { $type: "string" } },
    },
    {
      key: { personalPhone: 1 },
      name: "personalPhone_unique",
      unique: true,
      partialFilterExpression: { personalPhone: { $type: "string" } },
    },
  ]);
  const findUser = async (filter: Filter<UserDoc>) => {
    const doc = await users.findOne(filter);
    return doc ? toUser(doc) : null;
  };
  const taken = async (filter: Filter<UserDoc>) =>
    (await users.findOne(filter, { projection: { _id: 1 } })) !== null;

  return {
    async createUser(input) {
      const emailLower = input.email.toLowerCase();
      // Checked first so the common conflict never touches the counter; the unique indexes still
      // decide races between instances.
      if (await taken({ emailLower })) throw new StoreConflictError("email");
      if (input.firebaseUid !== null && await taken({ firebaseUid: input.firebaseUid })) {
        throw new StoreConflictError("firebaseUid");
      }
      const value = await nextCounter(counters, CARE4W_COUNTER);
      const sequence = FIRST_SEQUENCE - 1 + value;
      const _id = new ObjectId();
      const { id: _, ...fields } = freshUser(input, _id.toHexString(), sequence, new Date());
      const doc: UserDoc = { _id, ...fields, emailLower };
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
    async findDirectoryEntry(care4wId) {
      const doc = await users.findOne({ care4wId }, {
        projection: { _id: 1, care4wId: 1, displayName: 1, isActive: 1 },
      });
      return doc
        ? {
          id: doc._id.toHexString(),
          care4wId: doc.care4wId,
          displayName: doc.displayName,
          isActive: doc.isActive,
        }
        : null;
    },
    findUserByFirebaseUid: (uid) => findUser({ firebaseUid: uid }),
    findUserByPersonalPhone: (e164) => findUser({ personalPhone: e164 }),
    async updateUser(id, patch) {
      const _id = objectIdOrNull(id);
      if (!_id) return null;
      const set: Document = { updatedAt: new Date() };
      // Absent fields stay; a null greeting key is a value (it clears the greeting).
      for (const field of PATCHABLE) {
        if (patch[field] !== undefined) set[field] = patch[field];
      }
      try {
        const doc = await users.findOneAndUpdate({ _id }, { $set: set }, {
          returnDocument: "after",
        });
        return doc ? toUser(doc) : null;
      } catch (error) {
        const field = isDuplicateKey(error) ? conflictField(error) : null;
        if (field) throw new StoreConflictError(field);
        throw error;
      }
    },
    nextCounterValue: (name) => nextCounter(counters, name),
  };
}

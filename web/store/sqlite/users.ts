/** Users and CareFlow ID counters in SQLite. */
import { FIRST_SEQUENCE } from "../../../shared/care4w-id.ts";
import {
  freshUser,
  StoreConflictError,
  type User,
  type UserPatch,
  type UserStore,
} from "../users.ts";
import type { Db, Row, Shape, Sync } from "./db.ts";

/** Counter that numbers CareFlow IDs. */
const CARE4W_COUNTER = "care4w";
const USER: Shape = {
  dates: ["createdAt", "updatedAt", "lastLoginAt"],
  booleans: ["isActive", "recordCalls"],
};
/** Every field of `UserPatch`, plus the timestamp each update sets. */
const PATCHABLE: readonly (keyof UserPatch | "updatedAt")[] = [
  "displayName",
  "role",
  "isActive",
  "lastLoginAt",
  "recordCalls",
  "retentionDays",
  "voicemailGreetingKey",
  "personalPhone",
  "updatedAt",
];

/** Maps a UNIQUE violation on users to the field the caller can act on; rethrows anything else. */
function conflictFrom(error: unknown): never {
  const message = error instanceof Error ? error.message : "";
  if (message.includes("UNIQUE constraint failed: users.email_lower")) {
    throw new StoreConflictError("email");
  }
  if (message.includes("UNIQUE constraint failed: users.firebase_uid")) {
    throw new StoreConflictError("firebaseUid");
  }
  if (message.includes("UNIQUE constraint failed: users.personal_phone")) {
    throw new StoreConflictError("personalPhone");
  }
  throw error;
}

/** The user store over an open database. */
export function sqliteUsers(db: Db): Sync<UserStore> {
  const nextCounter = (name: string): number =>
    (db.sql(
      `INSERT INTO counters (name, value) VALUES (?, 1)
       ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`,
    ).get(name) as Row).value as number;
  const userBy = (column: string, value: string) =>
    db.one<User>(USER, `SELECT * FROM users WHERE ${column} = ?`, value);

  return {
    createUser(input) {
      try {
        // Counter and insert share the transaction, so a rejected insert hands its number back.
        return db.transaction(() => {
          const sequence = FIRST_SEQUENCE - 1 + nextCounter(CARE4W_COUNTER);
          const user = freshUser(input, crypto.randomUUID(), sequence, new Date());
          db.insert("users", { ...user, emailLower: input.email.toLowerCase() });
          return user;
        });
      } catch (error) {
        return conflictFrom(error);
      }
    },
    findUserById: (id) => userBy("id", id),
    findUserByEmail: (email) => userBy("email_lower", email.toLowerCase()),
    findUserByCare4wId: (care4wId) => userBy("care4w_id", care4wId),
    findUserByFirebaseUid: (uid) => userBy("firebase_uid", uid),
    findUserByPersonalPhone: (e164) => userBy("personal_phone", e164),
    updateUser(id, patch) {
      // Only given fields are set, so a null greeting key clears it while absent ones stay.
      try {
        db.update("users", "id", id, { ...patch, updatedAt: new Date() }, PATCHABLE);
      } catch (error) {
        return conflictFrom(error);
      }
      return userBy("id", id);
    },
    nextCounterValue: (name) => nextCounter(name),
  };
}

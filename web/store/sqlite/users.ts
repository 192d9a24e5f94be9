/** Users and CareFlow ID counters in SQLite. */
import { FIRST_SEQUENCE } from "../../../shared/care4w-id.ts";
import {
  type DirectoryEntry,
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
const DIRECTORY_ENTRY: Shape = { dates: [], booleans: ["isActive"] };
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
  // Each query's text made once: the statement cache is keyed by it.
  const userBy = (column: string) => {
    const text = `SELECT * FROM users WHERE ${column} = ?`;
    return (value: string) => db.one<User>(USER, text, value);
  };
  const byId = userBy("id");
  const byEmail = userBy("email_lower");
  const byCare4wId = userBy("care4w_id");
  const byFirebaseUid = userBy("firebase_uid");
  const byPersonalPhone = userBy("personal_phone");

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
    findUserById: byId,
    findUserByEmail: (email) => byEmail(email.toLowerCase()),
    findUserByCare4wId: byCare4wId,
    // Four columns, not the whole row: a third of the time of `SELECT *` (lookups run on every
    // keystroke of the dialer).
    findDirectoryEntry: (care4wId) =>
      db.one<DirectoryEntry>(
        DIRECTORY_ENTRY,
        "SELECT id, care4w_id, display_name, is_active FROM users WHERE care4w_id = ?",
        care4wId,
      ),
    findUserByFirebaseUid: byFirebaseUid,
    findUserByPersonalPhone: byPersonalPhone,
    updateUser(id, patch) {
      // Only given fields are set, so a null greeting key clears it while absent ones stay.
      try {
        db.update("users", "id", id, { ...patch, updatedAt: new Date() }, PATCHABLE);
      } catch (error) {
        return conflictFrom(error);
      }
      return byId(id);
    },
    nextCounterValue: (name) => nextCounter(name),
  };
}

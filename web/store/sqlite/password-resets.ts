/** Password-reset links, password hashes, other sessions and the people list, in SQLite. */
import type {
  AccountSecurityStore,
  PasswordReset,
  PasswordResetStore,
  UserListStore,
} from "../password-resets.ts";
import type { User } from "../users.ts";
import { type Db, decode, type Row, type Shape, type Sync } from "./db.ts";

const RESET: Shape = { dates: ["createdAt", "expiresAt", "usedAt"] };
const USER: Shape = {
  dates: ["createdAt", "updatedAt", "lastLoginAt"],
  booleans: ["isActive", "recordCalls"],
};

/** The password-reset store over an open database. */
export function sqlitePasswordResets(db: Db): Sync<PasswordResetStore> {
  return {
    createPasswordReset(reset) {
      // One transaction, so the user's older link stops working exactly when the new one starts.
      db.transaction(() => {
        db.sql("DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL")
          .run(reset.userId);
        db.insert("password_resets", reset);
      });
    },
    findPasswordResetByTokenHash: (tokenHash) =>
      db.one<PasswordReset>(RESET, "SELECT * FROM password_resets WHERE token_hash = ?", tokenHash),
    consumePasswordReset(tokenHash, at) {
      // One statement: the check and the change cannot be split by another writer, even one in
      // another process sharing the file.
      const row = db.sql(
        `UPDATE password_resets SET used_at = :at
         WHERE token_hash = :hash AND used_at IS NULL AND expires_at > :at RETURNING *`,
      ).get({ at: at.getTime(), hash: tokenHash }) as Row | undefined;
      return row ? decode<PasswordReset>(row, RESET) : null;
    },
    deleteUserPasswordResets(userId) {
      db.sql("DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL").run(userId);
    },
  };
}

/** Password hashes and "sign out everywhere else" over an open database. */
export function sqliteAccountSecurity(db: Db): Sync<AccountSecurityStore> {
  return {
    setPasswordHash(userId, passwordHash) {
      // `password_hash IS NOT NULL`: a Firebase account never gains a local password.
      const changed = db.sql(
        `UPDATE users SET password_hash = ?, updated_at = ?
         WHERE id = ? AND password_hash IS NOT NULL`,
      ).run(passwordHash, Date.now(), userId).changes;
      return Number(changed) > 0;
    },
    deleteOtherSessions(userId, keepSessionId) {
      return Number(
        db.sql("DELETE FROM sessions WHERE user_id = ? AND id != ?").run(userId, keepSessionId)
          .changes,
      );
    },
  };
}

/** The people list, its search and the admins' role guard over an open database. */
export function sqliteUserList(db: Db): Sync<UserListStore> {
  // SQLite's own lower() and LIKE fold ASCII only: "Åse" must be found by "åse" too.
  db.raw.function(
    "cf_fold",
    { deterministic: true },
    (value) => typeof value === "string" ? value.toLowerCase() : value,
  );
  const users = (rows: unknown[]) => (rows as Row[]).map((row) => decode<User>(row, USER));
  return {
    listUsers(afterSequence, limit) {
      return users(
        db.sql("SELECT * FROM users WHERE sequence_number > ? ORDER BY sequence_number LIMIT ?")
          .all(afterSequence, limit),
      );
    },
    searchUsers(text, afterSequence, limit) {
      // instr(), not LIKE: the text is matched as it is, with no wildcard to escape. A scan,
      // bounded by the organisation's size; the admin section is the only caller.
      return users(
        db.sql(
          `SELECT * FROM users WHERE sequence_number > :after
             AND (instr(cf_fold(display_name), :text) > 0 OR instr(email_lower, :text) > 0
               OR instr(cf_fold(care4w_id), :text) > 0)
           ORDER BY sequence_number LIMIT :limit`,
        ).all({ after: afterSequence, text: text.toLowerCase(), limit }),
      );
    },
    withPhonePassword(userIds) {
      if (userIds.length === 0) return [];
      // One statement for a page of people; the ids travel as one JSON parameter.
      const rows = db.sql(
        "SELECT user_id FROM sip_credentials WHERE user_id IN (SELECT value FROM json_each(?))",
      ).all(JSON.stringify(userIds)) as Row[];
      return rows.map((row) => String(row.user_id));
    },
    demoteAdmin(userId, at) {
      // One statement: the check for another active admin and the change cannot be split by a
      // concurrent demotion, even from another process sharing the file.
      const changed = db.sql(
        `UPDATE users SET role = 'user', updated_at = :at WHERE id = :id AND role = 'admin'
           AND EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND is_active = 1 AND id != :id)`,
      ).run({ at: at.getTime(), id: userId }).changes;
      if (Number(changed) > 0) return "demoted";
      const row = db.sql("SELECT role FROM users WHERE id = ?").get(userId) as Row | undefined;
      return row?.role === "admin" ? "last-admin" : "unchanged";
    },
  };
}

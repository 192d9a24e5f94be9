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

/** The people list over an open database. */
export function sqliteUserList(db: Db): Sync<UserListStore> {
  return {
    listUsers(afterSequence, limit) {
      const rows = db.sql(
        "SELECT * FROM users WHERE sequence_number > ? ORDER BY sequence_number LIMIT ?",
      ).all(afterSequence, limit) as Row[];
      return rows.map((row) => decode<User>(row, USER));
    },
  };
}

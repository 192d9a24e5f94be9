/** Sign-up invitations in SQLite. */
import type { Invitation, InvitationStore } from "../invitations.ts";
import { type Db, decode, type Row, type Shape, type Sync } from "./db.ts";

const INVITATION: Shape = { dates: ["createdAt", "expiresAt", "usedAt"] };

/** The invitation store over an open database. */
export function sqliteInvitations(db: Db): Sync<InvitationStore> {
  return {
    createInvitation(invitation) {
      // One transaction, so the email's older links stop working exactly when the new one starts.
      db.transaction(() => {
        db.sql("DELETE FROM invitations WHERE email = ? AND used_at IS NULL")
          .run(invitation.email);
        db.insert("invitations", invitation);
      });
    },
    listPendingInvitations(at) {
      const rows = db.sql(
        `SELECT * FROM invitations WHERE used_at IS NULL AND expires_at > ?
         ORDER BY created_at DESC, id`,
      ).all(at.getTime()) as Row[];
      return rows.map((row) => decode<Invitation>(row, INVITATION));
    },
    findInvitationByTokenHash: (tokenHash) =>
      db.one<Invitation>(INVITATION, "SELECT * FROM invitations WHERE token_hash = ?", tokenHash),
    consumeInvitation(tokenHash, at) {
      // One statement: the check and the change cannot be split by another writer, even one in
      // another process sharing the file.
      const row = db.sql(
        `UPDATE invitations SET used_at = :at
         WHERE token_hash = :hash AND used_at IS NULL AND expires_at > :at RETURNING *`,
      ).get({ at: at.getTime(), hash: tokenHash }) as Row | undefined;
      return row ? decode<Invitation>(row, INVITATION) : null;
    },
    recordInvitationUser(id, userId) {
      db.sql("UPDATE invitations SET used_by = ? WHERE id = ? AND used_at IS NOT NULL")
        .run(userId, id);
    },
    releaseInvitation(id) {
      // OR IGNORE: when a newer invitation for the email is pending, the unique index keeps this
      // one used rather than failing.
      db.sql(
        `UPDATE OR IGNORE invitations SET used_at = NULL
         WHERE id = ? AND used_at IS NOT NULL AND used_by IS NULL`,
      ).run(id);
    },
    deleteInvitation(id) {
      return Number(
        db.sql("DELETE FROM invitations WHERE id = ? AND used_at IS NULL").run(id).changes,
      ) > 0;
    },
  };
}

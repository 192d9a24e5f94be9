/** SIP phone credentials in SQLite. */
import type { SipCredential, SipCredentialStore } from "../sip-credentials.ts";
import type { Db, Shape, Sync } from "./db.ts";

const SIP: Shape = { dates: ["rotatedAt"] };

/** The SIP credential store over an open database. */
export function sqliteSipCredentials(db: Db): Sync<SipCredentialStore> {
  return {
    saveSipCredential(credential) {
      db.insert(
        "sip_credentials",
        credential,
        `ON CONFLICT (user_id) DO UPDATE SET encrypted_password = excluded.encrypted_password,
           ha1 = excluded.ha1, rotated_at = excluded.rotated_at`,
      );
    },
    getSipCredential: (userId) =>
      db.one<SipCredential>(SIP, "SELECT * FROM sip_credentials WHERE user_id = ?", userId),
  };
}

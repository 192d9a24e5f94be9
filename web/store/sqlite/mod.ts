/** The SQLite store: the embedded default, every store interface over one database file. */
import type { Store } from "../mod.ts";
import { asAsync, openDb } from "./db.ts";
import { sqliteCalls } from "./calls.ts";
import { sqliteAnalytics } from "./analytics.ts";
import { sqliteLoginFailures, sqliteSessions } from "./sessions.ts";
import { sqliteAgentOutbox } from "./agent-outbox.ts";
import { sqliteSipCredentials } from "./sip-credentials.ts";
import { sqliteUsers } from "./users.ts";
import { sqliteRecordings } from "./recordings.ts";
import { sqliteAccessTrail } from "./access-trail.ts";
import { sqliteIngest } from "./ingest.ts";
import { sqlitePhonePresence } from "./phone-presence.ts";
import { sqliteInvitations } from "./invitations.ts";
import { sqliteAccountSecurity, sqlitePasswordResets, sqliteUserList } from "./password-resets.ts";
import { sqliteUserSettings } from "./user-settings.ts";
import { sqlitePeople } from "./people.ts";

/**
 * Opens (creating or migrating) a SQLite store. `path` may be `":memory:"` for tests; files get
 * WAL and a busy timeout so a second process can share them.
 */
export function openSqliteStore(path: string): Store {
  const db = openDb(path);
  const calls = sqliteCalls(db);
  const recordings = sqliteRecordings(db);
  const presence = sqlitePhonePresence(db);
  return asAsync<Store>({
    ...sqliteUsers(db),
    ...sqliteSessions(db),
    ...sqliteLoginFailures(db),
    ...calls,
    ...sqliteAnalytics(db),
    ...sqliteSipCredentials(db),
    ...sqliteAgentOutbox(db),
    ...recordings,
    ...sqliteAccessTrail(db),
    ...presence,
    ...sqliteIngest(db, { calls, recordings, presence }),
    ...sqliteInvitations(db),
    ...sqlitePasswordResets(db),
    ...sqliteAccountSecurity(db),
    ...sqliteUserList(db),
    ...sqliteUserSettings(db),
    ...sqlitePeople(db),
    close() {
      if (db.raw.isOpen) db.raw.close();
    },
  });
}

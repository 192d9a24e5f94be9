/** The MongoDB store for production: every store interface over one database. */
import { MongoClient } from "mongodb";
import type { Store } from "../mod.ts";
import { mongoAgentOutbox } from "./agent-outbox.ts";
import { mongoCalls } from "./calls.ts";
import { mongoAnalytics } from "./analytics.ts";
import { mongoLoginFailures, mongoSessions } from "./sessions.ts";
import { mongoSipCredentials } from "./sip-credentials.ts";
import { mongoUsers } from "./users.ts";
import { mongoRecordings } from "./recordings.ts";
import { mongoAccessTrail } from "./access-trail.ts";
import { mongoIngest } from "./ingest.ts";
import { mongoPhonePresence } from "./phone-presence.ts";
import { mongoInvitations } from "./invitations.ts";
import { mongoAccountSecurity, mongoPasswordResets, mongoUserList } from "./password-resets.ts";
import { mongoUserSettings } from "./user-settings.ts";
import { mongoPeople } from "./people.ts";

/** The database named in the URI's path, if any. */
function databaseFromUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return match ? decodeURIComponent(match[1]) : undefined;
}

/**
 * Connects to MongoDB and makes sure every index exists before returning. `dbName` defaults to
 * the database in the URI, then to `careflow`.
 */
export async function openMongoStore(uri: string, dbName?: string): Promise<Store> {
  const client = new MongoClient(uri);
  await client.connect();
  const db = client.db(dbName ?? databaseFromUri(uri) ?? "careflow");
  try {
    const [users, sessions, failures, calls, sip, outbox, recordings, trail, presence, invites] =
      await Promise
        .all([
          mongoUsers(db),
          mongoSessions(db),
          mongoLoginFailures(db),
          mongoCalls(db),
          mongoSipCredentials(db),
          mongoAgentOutbox(db),
          mongoRecordings(db),
          mongoAccessTrail(db),
          mongoPhonePresence(db),
          mongoInvitations(db),
        ]);
    const [resets, people, settings, colleagues] = await Promise.all([
      mongoPasswordResets(db),
      mongoUserList(db),
      mongoUserSettings(db),
      mongoPeople(db),
    ]);
    const ingest = await mongoIngest(db, { calls, recordings, presence });
    // Spelled out (not Object.assign) so the compiler checks that every part of Store is here.
    const store: Store = {
      ...users,
      ...sessions,
      ...failures,
      ...calls,
      ...(await mongoAnalytics(db)),
      ...sip,
      ...outbox,
      ...recordings,
      ...trail,
      ...ingest,
      ...presence,
      ...invites,
      ...resets,
      ...mongoAccountSecurity(db),
      ...people,
      ...settings,
      ...colleagues,
      close: () => client.close(),
    };
    return store;
  } catch (error) {
    await client.close();
    throw error;
  }
}

/**
 * The store: one small interface per kind of data (`users.ts`, `sessions.ts`, `calls.ts`,
 * `analytics.ts`,
 * `sip-credentials.ts`, `agent-outbox.ts`, `recordings.ts`, `access-trail.ts`, `ingest.ts`,
 * `phone-presence.ts`, `invitations.ts`, `password-resets.ts`, `user-settings.ts`, `people.ts`),
 * each with its own contract suite
 * (`testing/`), and two implementations of all of them: SQLite (`sqlite/`, the embedded default)
 * and MongoDB (`mongo/`).
 * Services take only the interfaces they use; the app's `Store` is their composition.
 */
import type { AccessTrailStore } from "./access-trail.ts";
import type { AgentOutboxStore } from "./agent-outbox.ts";
import type { AnalyticsStore } from "./analytics.ts";
import type { CallStore } from "./calls.ts";
import type { IngestStore } from "./ingest.ts";
import type { InvitationStore } from "./invitations.ts";
import type { AccountSecurityStore, PasswordResetStore, UserListStore } from "./password-resets.ts";
import type { PhonePresenceStore } from "./phone-presence.ts";
import type { RecordingStore } from "./recordings.ts";
import type { LoginFailureStore, SessionStore } from "./sessions.ts";
import type { SipCredentialStore } from "./sip-credentials.ts";
import type { UserStore } from "./users.ts";
import type { UserSettingsStore } from "./user-settings.ts";
import type { PeopleStore } from "./people.ts";
import { openSqliteStore } from "./sqlite/mod.ts";

export type { AccessTrailStore } from "./access-trail.ts";
export type { AgentOutboxEntry, AgentOutboxStore } from "./agent-outbox.ts";
export type { AnalyticsQuery, AnalyticsStore } from "./analytics.ts";
export type { CallPage, CallQuery, CallStore } from "./calls.ts";
export type { IngestStore } from "./ingest.ts";
export type { Invitation, InvitationStore, NewInvitation } from "./invitations.ts";
export type {
  AccountSecurityStore,
  NewPasswordReset,
  PasswordReset,
  PasswordResetStore,
  UserListStore,
} from "./password-resets.ts";
export type { PhonePresence, PhonePresenceStore } from "./phone-presence.ts";
export { MAX_FAVOURITES, type PeopleStore } from "./people.ts";
export type { RecordingPatch, RecordingQuery, RecordingStore } from "./recordings.ts";
export type { LoginFailureStore, Session, SessionStore } from "./sessions.ts";
export type { SipCredential, SipCredentialStore } from "./sip-credentials.ts";
export { settingsOfUser, type UserSettingsStore } from "./user-settings.ts";
export { DEFAULT_RETENTION_DAYS, StoreConflictError } from "./users.ts";
export type { DirectoryEntry, NewUser, Role, User, UserPatch, UserStore } from "./users.ts";

/** Everything the web app keeps, and a way to let go of it. */
export interface Store
  extends
    UserStore,
    SessionStore,
    LoginFailureStore,
    CallStore,
    AnalyticsStore,
    SipCredentialStore,
    AgentOutboxStore,
    RecordingStore,
    AccessTrailStore,
    IngestStore,
    PhonePresenceStore,
    InvitationStore,
    PasswordResetStore,
    AccountSecurityStore,
    UserListStore,
    UserSettingsStore,
    PeopleStore {
  close(): Promise<void>;
}

/**
 * Opens MongoDB when `mongodbUri` is set; otherwise SQLite at `${dataDir}/careflow.sqlite`,
 * creating the directory first.
 */
export async function openStore(config: { mongodbUri?: string; dataDir: string }): Promise<Store> {
  if (config.mongodbUri) {
    // Loaded on demand so embedded deployments never load the MongoDB driver.
    const { openMongoStore } = await import("./mongo/mod.ts");
    return await openMongoStore(config.mongodbUri);
  }
  await Deno.mkdir(config.dataDir, { recursive: true });
  return openSqliteStore(`${config.dataDir}/careflow.sqlite`);
}

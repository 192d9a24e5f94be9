/**
 * The SQLite schema's history. Entries already shipped are never edited: a database remembers
 * how far it got (`PRAGMA user_version`) and `db.ts` runs the rest, each in its own transaction.
 */

/** Each entry moves the schema from version `index` to `index + 1`; only ever append. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
    id TEXT PRIMARY KEY, email TEXT NOT NULL, email_lower TEXT NOT NULL,
    display_name TEXT NOT NULL, care4w_id TEXT NOT NULL, sequence_number INTEGER NOT NULL,
    role TEXT NOT NULL, password_hash TEXT, firebase_uid TEXT, is_active INTEGER NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_login_at INTEGER
  ) STRICT;
  CREATE UNIQUE INDEX users_email_lower ON users (email_lower);
  CREATE UNIQUE INDEX users_care4w_id ON users (care4w_id);
  CREATE UNIQUE INDEX users_firebase_uid ON users (firebase_uid);
  CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX sessions_user_id ON sessions (user_id);
  CREATE INDEX sessions_expires_at ON sessions (expires_at);
  CREATE TABLE login_failures (id INTEGER PRIMARY KEY, key TEXT NOT NULL, at INTEGER NOT NULL)
    STRICT;
  CREATE INDEX login_failures_key_at ON login_failures (key, at);
  CREATE TABLE calls (
    id TEXT PRIMARY KEY, mode TEXT NOT NULL, status TEXT NOT NULL,
    caller_user_id TEXT NOT NULL, caller_care4w_id TEXT NOT NULL, caller_name TEXT NOT NULL,
    caller_name_lower TEXT NOT NULL, callee_user_id TEXT NOT NULL,
    callee_care4w_id TEXT NOT NULL, callee_name TEXT NOT NULL, callee_name_lower TEXT NOT NULL,
    started_at INTEGER NOT NULL, answered_at INTEGER, ended_at INTEGER NOT NULL,
    duration_seconds INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX calls_caller_started ON calls (caller_user_id, started_at);
  CREATE INDEX calls_callee_started ON calls (callee_user_id, started_at);
  CREATE TABLE sip_credentials (
    user_id TEXT PRIMARY KEY, encrypted_password TEXT NOT NULL, ha1 TEXT NOT NULL,
    rotated_at INTEGER NOT NULL
  ) STRICT;`,
  `CREATE TABLE agent_outbox (
    care4w_id TEXT PRIMARY KEY, version INTEGER NOT NULL, queued_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX agent_outbox_queued_at ON agent_outbox (queued_at);`,
  // Recording settings. Existing users get the same defaults as `freshUser` gives new ones; the
  // literal 30 is history: a later change of DEFAULT_RETENTION_DAYS must not rewrite old rows.
  `ALTER TABLE users ADD COLUMN record_calls INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE users ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 30;
  ALTER TABLE users ADD COLUMN voicemail_greeting_key TEXT;`,
  // Recordings. `tags` is a JSON array; `*_lower` columns exist only for search (lower-cased in
  // JS, since SQLite's lower() folds ASCII only). The partial indexes carry exactly the literal
  // conditions the purge, stall and unread queries use, so SQLite can pick them.
  `CREATE TABLE recordings (
    id TEXT PRIMARY KEY, owner_user_id TEXT NOT NULL, type TEXT NOT NULL,
    call_mode TEXT NOT NULL, call_id TEXT,
    from_care4w_id TEXT NOT NULL, from_display_name TEXT NOT NULL,
    to_care4w_id TEXT NOT NULL, to_display_name TEXT NOT NULL, direction TEXT NOT NULL,
    from_name_lower TEXT NOT NULL, to_name_lower TEXT NOT NULL,
    storage_key TEXT, format TEXT NOT NULL, duration_seconds INTEGER NOT NULL,
    file_size INTEGER NOT NULL, recorded_at INTEGER NOT NULL, status TEXT NOT NULL,
    is_listened INTEGER NOT NULL, transcription TEXT NOT NULL,
    notes TEXT NOT NULL, notes_lower TEXT NOT NULL, tags TEXT NOT NULL, tags_lower TEXT NOT NULL,
    recorded_by TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    deleted_at INTEGER, archived_at INTEGER, purged_at INTEGER
  ) STRICT;
  CREATE INDEX recordings_owner_recorded ON recordings (owner_user_id, recorded_at);
  CREATE INDEX recordings_unlistened_voicemail ON recordings (owner_user_id, status)
    WHERE type = 'voicemail' AND is_listened = 0;
  CREATE INDEX recordings_purge_deleted ON recordings (deleted_at)
    WHERE status = 'deleted' AND purged_at IS NULL;
  CREATE INDEX recordings_purge_active ON recordings (recorded_at)
    WHERE status = 'active' AND purged_at IS NULL;
  CREATE INDEX recordings_purge_archived ON recordings (archived_at)
    WHERE status = 'archived' AND purged_at IS NULL;
  CREATE INDEX recordings_stalled ON recordings (updated_at)
    WHERE status IN ('recording', 'processing');`,
  // The access trail: seq is the rowid, so it is unique by construction. The triggers stop any
  // code path from rewriting history; someone with the file can drop them, which the hash chain
  // (recordings/trail.ts) then reveals.
  `CREATE TABLE access_trail (
    seq INTEGER PRIMARY KEY CHECK (seq >= 1), at INTEGER NOT NULL, actor_user_id TEXT,
    recording_id TEXT NOT NULL, action TEXT NOT NULL, ip TEXT, user_agent TEXT,
    previous_hash TEXT NOT NULL, hash TEXT NOT NULL
  ) STRICT;
  CREATE INDEX access_trail_recording ON access_trail (recording_id, seq);
  CREATE TRIGGER access_trail_no_update BEFORE UPDATE ON access_trail
    BEGIN SELECT RAISE(ABORT, 'the access trail is append-only'); END;
  CREATE TRIGGER access_trail_no_delete BEFORE DELETE ON access_trail
    BEGIN SELECT RAISE(ABORT, 'the access trail is append-only'); END;`,
  // Agent events already applied, by event id.
  `CREATE TABLE applied_events (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, applied_at INTEGER NOT NULL
  ) STRICT;`,
  // Who recorded a call, for the history.
  `ALTER TABLE calls ADD COLUMN recorded_by TEXT;`,
  // Outside phones as parties (SIP and Twilio calls): a party's user and CareFlow ID become
  // optional, so both tables are rebuilt (SQLite cannot drop NOT NULL in place); and what the
  // media side measured. Rows keep their values; indexes are made again.
  `CREATE TABLE calls_v8 (
    id TEXT PRIMARY KEY, mode TEXT NOT NULL, status TEXT NOT NULL,
    caller_user_id TEXT, caller_care4w_id TEXT, caller_phone TEXT, caller_name TEXT NOT NULL,
    caller_name_lower TEXT NOT NULL, callee_user_id TEXT, callee_care4w_id TEXT,
    callee_phone TEXT, callee_name TEXT NOT NULL, callee_name_lower TEXT NOT NULL,
    started_at INTEGER NOT NULL, answered_at INTEGER, ended_at INTEGER NOT NULL,
    duration_seconds INTEGER NOT NULL, recorded_by TEXT, hangup_cause TEXT,
    quality_mos REAL, quality_jitter_ms REAL, quality_loss_percent REAL
  ) STRICT;
  INSERT INTO calls_v8 (CALLS_COLUMNS) SELECT CALLS_COLUMNS FROM calls;
  DROP TABLE calls;
  ALTER TABLE calls_v8 RENAME TO calls;
  CREATE INDEX calls_caller_started ON calls (caller_user_id, started_at);
  CREATE INDEX calls_callee_started ON calls (callee_user_id, started_at);
  CREATE TABLE recordings_v8 (
    id TEXT PRIMARY KEY, owner_user_id TEXT NOT NULL, type TEXT NOT NULL,
    call_mode TEXT NOT NULL, call_id TEXT,
    from_care4w_id TEXT, from_phone TEXT, from_display_name TEXT NOT NULL,
    to_care4w_id TEXT, to_phone TEXT, to_display_name TEXT NOT NULL, direction TEXT NOT NULL,
    from_name_lower TEXT NOT NULL, to_name_lower TEXT NOT NULL,
    storage_key TEXT, format TEXT NOT NULL, duration_seconds INTEGER NOT NULL,
    file_size INTEGER NOT NULL, recorded_at INTEGER NOT NULL, status TEXT NOT NULL,
    is_listened INTEGER NOT NULL, transcription TEXT NOT NULL,
    notes TEXT NOT NULL, notes_lower TEXT NOT NULL, tags TEXT NOT NULL, tags_lower TEXT NOT NULL,
    recorded_by TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    deleted_at INTEGER, archived_at INTEGER, purged_at INTEGER
  ) STRICT;
  INSERT INTO recordings_v8 (RECORDINGS_COLUMNS) SELECT RECORDINGS_COLUMNS FROM recordings;
  DROP TABLE recordings;
  ALTER TABLE recordings_v8 RENAME TO recordings;
  CREATE INDEX recordings_owner_recorded ON recordings (owner_user_id, recorded_at);
  CREATE INDEX recordings_unlistened_voicemail ON recordings (owner_user_id, status)
    WHERE type = 'voicemail' AND is_listened = 0;
  CREATE INDEX recordings_purge_deleted ON recordings (deleted_at)
    WHERE status = 'deleted' AND purged_at IS NULL;
  CREATE INDEX recordings_purge_active ON recordings (recorded_at)
    WHERE status = 'active' AND purged_at IS NULL;
  CREATE INDEX recordings_purge_archived ON recordings (archived_at)
    WHERE status = 'archived' AND purged_at IS NULL;
  CREATE INDEX recordings_stalled ON recordings (updated_at)
    WHERE status IN ('recording', 'processing');`
    .replaceAll(
      "CALLS_COLUMNS",
      "id, mode, status, caller_user_id, caller_care4w_id, caller_name, caller_name_lower, " +
        "callee_user_id, callee_care4w_id, callee_name, callee_name_lower, started_at, " +
        "answered_at, ended_at, duration_seconds, recorded_by",
    )
    .replaceAll(
      "RECORDINGS_COLUMNS",
      "id, owner_user_id, type, call_mode, call_id, from_care4w_id, from_display_name, " +
        "to_care4w_id, to_display_name, direction, from_name_lower, to_name_lower, storage_key, " +
        "format, duration_seconds, file_size, recorded_at, status, is_listened, transcription, " +
        "notes, notes_lower, tags, tags_lower, recorded_by, created_at, updated_at, deleted_at, " +
        "archived_at, purged_at",
    ),
  // Whether each user has a SIP phone registered, as the agent last said (changed_at orders).
  `CREATE TABLE phone_presence (
    user_id TEXT PRIMARY KEY,
    online INTEGER NOT NULL,
    changed_at INTEGER NOT NULL
  ) STRICT;`,
  // A user's own phone, unique among users (SQLite lets many rows hold NULL).
  `ALTER TABLE users ADD COLUMN personal_phone TEXT;
  CREATE UNIQUE INDEX users_personal_phone ON users (personal_phone);`,
  // Sign-up invitations: a token's hash finds one; an email has at most one unused at a time.
  `CREATE TABLE invitations (
    id TEXT PRIMARY KEY, token_hash TEXT NOT NULL, email TEXT NOT NULL,
    invited_by TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
    used_at INTEGER, used_by TEXT
  ) STRICT;
  CREATE UNIQUE INDEX invitations_token_hash ON invitations (token_hash);
  CREATE UNIQUE INDEX invitations_pending_email ON invitations (email) WHERE used_at IS NULL;`,
  // Password-reset links an admin issues: a token's hash finds one; a user has at most one unused.
  // The people list pages through users in CareFlow ID order.
  `CREATE TABLE password_resets (
    id TEXT PRIMARY KEY, token_hash TEXT NOT NULL, user_id TEXT NOT NULL,
    issued_by TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
    used_at INTEGER
  ) STRICT;
  CREATE UNIQUE INDEX password_resets_token_hash ON password_resets (token_hash);
  CREATE UNIQUE INDEX password_resets_pending_user ON password_resets (user_id)
    WHERE used_at IS NULL;
  CREATE INDEX users_sequence_number ON users (sequence_number);`,
  // Analytics, from rollups kept by triggers (calls are only ever inserted), per user and ''
  // for the organisation (each call once), so a year of a busy user is read in a few
  // milliseconds: per direction and UTC quarter-hour, the calls by status and the talk of
  // answered ones (every zone's offset and DST change falls on a quarter-hour, so local hours
  // are exact); per 28 days since 1970 and other party, their calls, answered calls, talk and
  // the party as last seen. The contacts of a period's partial blocks are counted from the calls,
  // through covering indexes of each side of the history; these lead with the columns of the
  // history's indexes, which serve the history as before and are dropped. Statuses are spelled
  // out: this text must keep its meaning whatever later code calls a status.
  `CREATE INDEX calls_caller_analytics ON calls (caller_user_id, started_at, status,
    duration_seconds, callee_care4w_id, callee_phone, callee_name);
  CREATE INDEX calls_callee_analytics ON calls (callee_user_id, started_at, caller_user_id,
    status, duration_seconds, caller_care4w_id, caller_phone, caller_name);
  DROP INDEX calls_caller_started;
  DROP INDEX calls_callee_started;
  CREATE INDEX calls_started ON calls (started_at);
  CREATE VIEW call_analytics_rows AS
    SELECT id, started_at, status, duration_seconds, caller_user_id AS user_id,
      'outbound' AS direction, callee_care4w_id AS care4w_id, callee_phone AS phone,
      callee_name AS name
      FROM calls WHERE caller_user_id IS NOT NULL
    UNION ALL
    SELECT id, started_at, status, duration_seconds, callee_user_id, 'inbound',
      caller_care4w_id, caller_phone, caller_name
      FROM calls WHERE callee_user_id IS NOT NULL AND caller_user_id IS NOT callee_user_id
    UNION ALL
    SELECT id, started_at, status, duration_seconds, '', 'outbound', callee_care4w_id,
      callee_phone, callee_name FROM calls WHERE caller_user_id IS NOT NULL
    UNION ALL
    SELECT id, started_at, status, duration_seconds, '', 'inbound', caller_care4w_id,
      caller_phone, caller_name FROM calls WHERE caller_user_id IS NULL;
  CREATE TABLE call_rollups (
    user_id TEXT NOT NULL, quarter INTEGER NOT NULL, direction TEXT NOT NULL,
    calls INTEGER NOT NULL, s_completed INTEGER NOT NULL, s_missed INTEGER NOT NULL,
    s_declined INTEGER NOT NULL, s_cancelled INTEGER NOT NULL, s_unavailable INTEGER NOT NULL,
    s_busy INTEGER NOT NULL, s_voicemail INTEGER NOT NULL, s_failed INTEGER NOT NULL,
    talk_seconds INTEGER NOT NULL, longest_seconds INTEGER NOT NULL,
    PRIMARY KEY (user_id, quarter, direction)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE contact_rollups (
    user_id TEXT NOT NULL, block INTEGER NOT NULL, contact TEXT NOT NULL,
    care4w_id TEXT, phone TEXT, name TEXT NOT NULL, latest INTEGER NOT NULL,
    calls INTEGER NOT NULL, answered INTEGER NOT NULL, talk_seconds INTEGER NOT NULL,
    PRIMARY KEY (user_id, block, contact)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO call_rollups SELECT HOUR_COLUMNS FROM call_analytics_rows
    GROUP BY user_id, quarter, direction;
  INSERT INTO contact_rollups SELECT CONTACT_COLUMNS FROM call_analytics_rows
    GROUP BY user_id, block, contact;
  CREATE TRIGGER calls_rollup AFTER INSERT ON calls BEGIN
    INSERT INTO call_rollups SELECT HOUR_COLUMNS FROM call_analytics_rows WHERE id = NEW.id
      GROUP BY user_id, quarter, direction
    ON CONFLICT (user_id, quarter, direction) DO UPDATE SET calls = calls + excluded.calls,
      s_completed = s_completed + excluded.s_completed, s_missed = s_missed + excluded.s_missed,
      s_declined = s_declined + excluded.s_declined,
      s_cancelled = s_cancelled + excluded.s_cancelled,
      s_unavailable = s_unavailable + excluded.s_unavailable,
      s_busy = s_busy + excluded.s_busy, s_voicemail = s_voicemail + excluded.s_voicemail,
      s_failed = s_failed + excluded.s_failed,
      talk_seconds = talk_seconds + excluded.talk_seconds,
      longest_seconds = MAX(longest_seconds, excluded.longest_seconds);
    INSERT INTO contact_rollups SELECT CONTACT_COLUMNS FROM call_analytics_rows
      WHERE id = NEW.id GROUP BY user_id, block, contact
    ON CONFLICT (user_id, block, contact) DO UPDATE SET calls = calls + excluded.calls,
      answered = answered + excluded.answered,
      talk_seconds = talk_seconds + excluded.talk_seconds,
      care4w_id = IIF(excluded.latest >= latest, excluded.care4w_id, care4w_id),
      phone = IIF(excluded.latest >= latest, excluded.phone, phone),
      name = IIF(excluded.latest >= latest, excluded.name, name),
      latest = MAX(latest, excluded.latest);
  END;`.replaceAll(
    "HOUR_COLUMNS",
    "user_id, started_at / 900000 AS quarter, direction, COUNT(*), SUM(status = 'completed'), " +
      "SUM(status = 'missed'), SUM(status = 'declined'), SUM(status = 'cancelled'), " +
      "SUM(status = 'unavailable'), SUM(status = 'busy'), SUM(status = 'voicemail'), " +
      "SUM(status = 'failed'), SUM(IIF(status = 'completed', duration_seconds, 0)), " +
      "MAX(IIF(status = 'completed', duration_seconds, 0))",
  ).replaceAll(
    // One max() aggregate: SQLite takes the bare party columns from the latest call's row.
    "CONTACT_COLUMNS",
    "user_id, started_at / 2419200000 AS block, COALESCE(care4w_id, phone, name) AS contact, " +
      "care4w_id, phone, name, MAX(started_at), COUNT(*), SUM(status = 'completed'), " +
      "SUM(IIF(status = 'completed', duration_seconds, 0))",
  ),
  // Each user's settings document (notifications, audio, display, privacy) as JSON: read whole,
  // written whole, never queried by its fields.
  `CREATE TABLE user_settings (
    user_id TEXT PRIMARY KEY, settings TEXT NOT NULL, updated_at INTEGER NOT NULL
  ) STRICT;`,
  // The admin's access trail filtered by person reads that person's entries, not the whole trail.
  `CREATE INDEX access_trail_actor ON access_trail (actor_user_id, seq);`,
  // Each user's starred colleagues (the Dialer's favourites), read per user.
  `CREATE TABLE favourites (
    user_id TEXT NOT NULL, favourite_user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, favourite_user_id)
  ) STRICT, WITHOUT ROWID;`,
  // Blind transfers: who handed the caller over (on the new call), and to whom a party handed the
  // other one (on the call it left).
  `ALTER TABLE calls ADD COLUMN transferred_by_id TEXT;
  ALTER TABLE calls ADD COLUMN transferred_by_name TEXT;
  ALTER TABLE calls ADD COLUMN transferred_to_id TEXT;
  ALTER TABLE calls ADD COLUMN transferred_to_name TEXT;`,
];

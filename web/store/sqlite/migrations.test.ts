import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS } from "./migrations.ts";
import { openSqliteStore } from "./mod.ts";

Deno.test("sqlite store: users from before the recording settings get their defaults", async () => {
  const dir = await Deno.makeTempDir({ prefix: "careflow-migrate-" });
  const path = `${dir}/careflow.sqlite`;
  try {
    // A database as the first two schema versions left it, with one user.
    const old = new DatabaseSync(path);
    old.exec(MIGRATIONS[0]);
    old.exec(MIGRATIONS[1]);
    old.exec("PRAGMA user_version = 2");
    old.prepare(
      `INSERT INTO users (id, email, email_lower, display_name, care4w_id, sequence_number, role,
         password_hash, firebase_uid, is_active, created_at, updated_at, last_login_at)
       VALUES ('u1', 'Old@Example.test', 'old@example.test', 'Old', 'care4w-1000001', 1000001,
         'user', NULL, 'fb-old', 1, 1, 2, NULL)`,
    ).run();
    old.close();

    const store = openSqliteStore(path);
    try {
      assert.deepEqual(await store.findUserById("u1"), {
        id: "u1",
        email: "Old@Example.test",
        displayName: "Old",
        care4wId: "care4w-1000001",
        sequenceNumber: 1000001,
        role: "user",
        passwordHash: null,
        firebaseUid: "fb-old",
        isActive: true,
        createdAt: new Date(1),
        updatedAt: new Date(2),
        lastLoginAt: null,
        recordCalls: false,
        retentionDays: 30,
        voicemailGreetingKey: null,
        personalPhone: null,
      });
      assert.deepEqual(await store.listTrail(1, 10), []);
    } finally {
      await store.close();
    }
    const db = new DatabaseSync(path);
    const { user_version } = db.prepare("PRAGMA user_version").get() as { user_version: number };
    db.close();
    assert.equal(user_version, MIGRATIONS.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sqlite store: calls and recordings from before outside phones keep their values", async () => {
  const dir = await Deno.makeTempDir({ prefix: "careflow-migrate-" });
  const path = `${dir}/careflow.sqlite`;
  try {
    // The schema just before the rebuild (version 7), with one call and one recording.
    const old = new DatabaseSync(path);
    for (const step of MIGRATIONS.slice(0, 7)) old.exec(step);
    old.exec("PRAGMA user_version = 7");
    old.exec(
      `INSERT INTO calls VALUES ('c1', 'webrtc', 'completed', 'u1', 'care4w-1000001', 'Ann',
         'ann', 'u2', 'care4w-1000002', 'Bob', 'bob', 1000, 2000, 62000, 60, 'care4w-1000001');
       INSERT INTO recordings (id, owner_user_id, type, call_mode, call_id, from_care4w_id,
         from_display_name, to_care4w_id, to_display_name, direction, from_name_lower,
         to_name_lower, storage_key, format, duration_seconds, file_size, recorded_at, status,
         is_listened, transcription, notes, notes_lower, tags, tags_lower, recorded_by,
         created_at, updated_at, deleted_at, archived_at, purged_at)
       VALUES ('r1', 'u1', 'call', 'webrtc', 'c1', 'care4w-1000001', 'Ann', 'care4w-1000002',
         'Bob', 'outbound', 'ann', 'bob', 'rec/u1/r1/audio', 'webm', 60, 1234, 2000, 'active', 1,
         '', 'Kept', 'kept', '["a"]', '["a"]', 'care4w-1000001', 1, 2, NULL, NULL, NULL);`,
    );
    old.close();

    const store = openSqliteStore(path);
    try {
      const call = await store.getCallForUser("c1", "u2");
      assert.equal(call?.callerCare4wId, "care4w-1000001");
      assert.equal(call?.callerPhone, null);
      assert.equal(call?.recordedBy, "care4w-1000001");
      assert.equal(call?.quality, null);
      assert.equal(call?.durationSeconds, 60);
      const recording = await store.getRecordingForOwner("r1", "u1");
      assert.deepEqual(recording?.to, {
        care4wId: "care4w-1000002",
        phone: null,
        displayName: "Bob",
      });
      assert.deepEqual(recording?.tags, ["a"]);
      assert.equal(recording?.notes, "Kept");
      assert.equal(
        (await store.listRecordingsForOwner("u1", { page: 1, limit: 5, q: "bob" })).total,
        1,
      );
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

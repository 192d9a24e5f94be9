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

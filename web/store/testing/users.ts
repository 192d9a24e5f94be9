/** The behaviour every UserStore must have. */
import assert from "node:assert/strict";
import { defineContract } from "../../testing/contract.ts";
import { type NewUser, StoreConflictError, type UserStore } from "../users.ts";

const T0 = new Date("2026-03-01T09:00:00Z").getTime();

const newUser = (n: number, extra: Partial<NewUser> = {}): NewUser => ({
  email: `user${n}@example.test`,
  displayName: `User ${n}`,
  passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
  firebaseUid: null,
  ...extra,
});

/** Runs the user contract against one implementation. */
export const userStoreContract = defineContract<UserStore>("user store", {
  "createUser allocates care4w-1000001 first and fills defaults": async (store) => {
    const before = Date.now();
    const user = await store.createUser(newUser(1, { email: "Ann.Lee@Example.test" }));
    assert.equal(user.care4wId, "care4w-1000001");
    assert.equal(user.sequenceNumber, 1_000_001);
    assert.equal(user.email, "Ann.Lee@Example.test");
    assert.equal(user.role, "user");
    assert.equal(user.isActive, true);
    assert.equal(user.firebaseUid, null);
    assert.equal(user.lastLoginAt, null);
    assert.ok(user.createdAt instanceof Date && user.createdAt.getTime() >= before - 1000);
    assert.deepEqual(await store.findUserById(user.id), user);
    const admin = await store.createUser(newUser(2, { role: "admin", passwordHash: null }));
    assert.equal(admin.care4wId, "care4w-1000002");
    assert.equal(admin.role, "admin");
    assert.equal(admin.passwordHash, null);
  },
  "users are found by email (any case), CareFlow ID and Firebase uid": async (store) => {
    const user = await store.createUser(newUser(1, { firebaseUid: "fb-1", passwordHash: null }));
    await store.createUser(newUser(2));
    assert.deepEqual(await store.findUserByEmail("USER1@Example.TEST"), user);
    assert.deepEqual(await store.findUserByCare4wId("care4w-1000001"), user);
    assert.deepEqual(await store.findUserByFirebaseUid("fb-1"), user);
    assert.equal(await store.findUserByEmail("nobody@example.test"), null);
    assert.equal(await store.findUserByCare4wId("care4w-1999999"), null);
    assert.deepEqual(await store.findDirectoryEntry("care4w-1000001"), {
      id: user.id,
      care4wId: "care4w-1000001",
      displayName: user.displayName,
      isActive: true,
    });
    assert.equal(await store.findDirectoryEntry("care4w-1999999"), null);
    assert.equal(await store.findUserByFirebaseUid("fb-unknown"), null);
    assert.equal(await store.findUserById("no-such-id"), null);
    assert.equal(await store.findUserById("0123456789abcdef01234567"), null);
  },
  "a duplicate email (any case) conflicts and does not consume an ID": async (store) => {
    await store.createUser(newUser(1));
    await assert.rejects(
      store.createUser(newUser(9, { email: "USER1@example.test" })),
      (e) => e instanceof StoreConflictError && e.field === "email",
    );
    assert.equal((await store.createUser(newUser(2))).care4wId, "care4w-1000002");
  },
  "a duplicate firebaseUid conflicts and does not consume an ID": async (store) => {
    await store.createUser(newUser(1, { firebaseUid: "fb-1", passwordHash: null }));
    await assert.rejects(
      store.createUser(newUser(2, { firebaseUid: "fb-1", passwordHash: null })),
      (e) => e instanceof StoreConflictError && e.field === "firebaseUid",
    );
    assert.equal(await store.findUserByEmail("user2@example.test"), null);
    assert.equal((await store.createUser(newUser(3))).care4wId, "care4w-1000002");
  },
  "100 concurrent createUser calls get care4w-1000001..care4w-1000100 with no gaps": async (
    store,
  ) => {
    const users = await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.createUser(newUser(i + 1))),
    );
    const got = users.map((u) => u.care4wId).sort();
    const want = Array.from({ length: 100 }, (_, i) => `care4w-${1_000_001 + i}`);
    assert.deepEqual(got, want);
    assert.equal(new Set(users.map((u) => u.id)).size, 100);
  },
  "updateUser patches only the given fields": async (store) => {
    const user = await store.createUser(newUser(1));
    const login = new Date(T0);
    const renamed = await store.updateUser(user.id, { displayName: "Renamed" });
    assert.equal(renamed?.displayName, "Renamed");
    assert.equal(renamed?.isActive, true);
    const updated = await store.updateUser(user.id, { isActive: false, lastLoginAt: login });
    assert.ok(updated);
    assert.equal(updated.displayName, "Renamed");
    assert.equal(updated.isActive, false);
    assert.deepEqual(updated.lastLoginAt, login);
    assert.equal(updated.care4wId, user.care4wId);
    assert.ok(updated.updatedAt.getTime() >= user.updatedAt.getTime());
    assert.deepEqual(await store.findUserById(user.id), updated);
    assert.equal(await store.updateUser("no-such-id", { displayName: "x" }), null);
    assert.equal(await store.updateUser("0123456789abcdef01234567", { isActive: true }), null);
  },
  "recording settings start off, 30 days, standard greeting; updateUser sets each alone": async (
    store,
  ) => {
    const user = await store.createUser(newUser(1));
    assert.equal(user.recordCalls, false);
    assert.equal(user.retentionDays, 30);
    assert.equal(user.voicemailGreetingKey, null);
    assert.deepEqual(await store.findUserById(user.id), user);
    const chosen = await store.createUser(
      newUser(2, { recordCalls: true, retentionDays: 90, voicemailGreetingKey: "greetings/u2" }),
    );
    assert.equal(chosen.recordCalls, true);
    assert.equal(chosen.retentionDays, 90);
    assert.equal(chosen.voicemailGreetingKey, "greetings/u2");
    assert.deepEqual(await store.findUserById(chosen.id), chosen);

    const recording = await store.updateUser(user.id, { recordCalls: true });
    assert.deepEqual(recording, { ...user, recordCalls: true, updatedAt: recording?.updatedAt });
    const kept = await store.updateUser(user.id, { retentionDays: 7 });
    assert.equal(kept?.recordCalls, true);
    assert.equal(kept?.retentionDays, 7);
    const greeted = await store.updateUser(user.id, { voicemailGreetingKey: "greetings/u1" });
    assert.equal(greeted?.voicemailGreetingKey, "greetings/u1");
    assert.equal(greeted?.retentionDays, 7);
    // Other patches leave the settings alone; null (unlike an absent field) clears the greeting.
    const renamed = await store.updateUser(user.id, { displayName: "Renamed" });
    assert.equal(renamed?.voicemailGreetingKey, "greetings/u1");
    assert.equal(renamed?.recordCalls, true);
    const cleared = await store.updateUser(user.id, { voicemailGreetingKey: null });
    assert.equal(cleared?.voicemailGreetingKey, null);
    assert.equal(cleared?.displayName, "Renamed");
    const off = await store.updateUser(user.id, { recordCalls: false });
    assert.equal(off?.recordCalls, false);
    assert.deepEqual(await store.findUserById(user.id), off);
    // The other user is untouched.
    assert.deepEqual(await store.findUserById(chosen.id), chosen);
  },
  "a personal phone is found by number, unique across users, and cleared with null": async (
    store,
  ) => {
    const ann = await store.createUser(newUser(1));
    const bob = await store.createUser(newUser(2));
    assert.equal(ann.personalPhone, null);
    const registered = await store.updateUser(ann.id, { personalPhone: "+447700900123" });
    assert.equal(registered?.personalPhone, "+447700900123");
    assert.equal((await store.findUserByPersonalPhone("+447700900123"))?.id, ann.id);
    assert.equal(await store.findUserByPersonalPhone("+447700900999"), null);
    await assert.rejects(
      store.updateUser(bob.id, { personalPhone: "+447700900123" }),
      (error) => error instanceof StoreConflictError && error.field === "personalPhone",
    );
    assert.equal((await store.findUserById(bob.id))?.personalPhone, null, "nothing changed");
    await store.updateUser(ann.id, { personalPhone: null });
    assert.equal(await store.findUserByPersonalPhone("+447700900123"), null);
    // Two users without one do not conflict, and a freed number can be taken.
    await store.updateUser(bob.id, { personalPhone: "+447700900123" });
    assert.equal((await store.findUserByPersonalPhone("+447700900123"))?.id, bob.id);
  },
  "counters start at 1, count independently and never repeat under concurrency": async (store) => {
    assert.equal(await store.nextCounterValue("a"), 1);
    assert.equal(await store.nextCounterValue("a"), 2);
    assert.equal(await store.nextCounterValue("b"), 1);
    const values = await Promise.all(Array.from({ length: 20 }, () => store.nextCounterValue("c")));
    assert.deepEqual(values.sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
  },
});

/**
 * The admin section's part of the UserListStore contract: search, phone-password status and
 * the last-admin guard. Spread into `passwordResetStoreContract`, which runs it.
 */
import assert from "node:assert/strict";
import type { Checks } from "../../testing/contract.ts";
import type { UserListStore } from "../password-resets.ts";
import type { SipCredentialStore } from "../sip-credentials.ts";
import type { UserStore } from "../users.ts";

type Subject = UserListStore & UserStore & SipCredentialStore;

const AT = new Date("2026-03-01T09:00:00Z");

const person = (store: Subject, email: string, displayName: string) =>
  store.createUser({ email, displayName, passwordHash: "$argon2id$x", firebaseUid: null });

const ids = (users: { care4wId: string }[]) => users.map((u) => u.care4wId);

/** What every UserListStore does for the admin section. */
export const userAdminChecks: Checks<Subject> = {
  "a search finds people by name, email or CareFlow ID, ignoring case, in ID order": async (
    store,
  ) => {
    const ann = await person(store, "Ann.Carer@Example.test", "Ann Carer");
    const bob = await person(store, "bob@example.test", "Bob Nurse");
    const ase = await person(store, "ase@example.test", "ÅSE Berg");
    const pct = await person(store, "pct@example.test", "100% Cover_Team");
    assert.deepEqual(ids(await store.searchUsers("carer", 0, 10)), [ann.care4wId]);
    assert.deepEqual(ids(await store.searchUsers("ANN.CARER@", 0, 10)), [ann.care4wId]);
    assert.deepEqual(ids(await store.searchUsers(bob.care4wId, 0, 10)), [bob.care4wId]);
    assert.deepEqual(ids(await store.searchUsers("åse", 0, 10)), [ase.care4wId], "not ASCII");
    assert.deepEqual(ids(await store.searchUsers("example.test", 0, 2)), [
      ann.care4wId,
      bob.care4wId,
    ]);
    assert.deepEqual(ids(await store.searchUsers("example.test", bob.sequenceNumber, 10)), [
      ase.care4wId,
      pct.care4wId,
    ]);
    // Pattern characters are plain text: none of them matches "anything".
    assert.deepEqual(ids(await store.searchUsers("%", 0, 10)), [pct.care4wId]);
    assert.deepEqual(ids(await store.searchUsers("_", 0, 10)), [pct.care4wId]);
    assert.deepEqual(ids(await store.searchUsers(".*", 0, 10)), []);
    assert.deepEqual(await store.searchUsers("nobody", 0, 10), []);
    await store.updateUser(bob.id, { isActive: false });
    assert.equal((await store.searchUsers("bob", 0, 10))[0]?.isActive, false, "inactive too");
    assert.deepEqual((await store.searchUsers("bob", 0, 10))[0], await store.findUserById(bob.id));
  },
  "phone-password status names only the given users who have one": async (store) => {
    const ann = await person(store, "ann@example.test", "Ann");
    const bob = await person(store, "bob@example.test", "Bob");
    await store.saveSipCredential({
      userId: ann.id,
      encryptedPassword: "enc",
      ha1: "h",
      rotatedAt: AT,
    });
    assert.deepEqual(await store.withPhonePassword([ann.id, bob.id, "unknown"]), [ann.id]);
    assert.deepEqual(await store.withPhonePassword([bob.id]), []);
    assert.deepEqual(await store.withPhonePassword([]), []);
  },
  "an admin is demoted only while another active admin remains": async (store) => {
    const boss = await person(store, "boss@example.test", "Boss");
    const deputy = await person(store, "deputy@example.test", "Deputy");
    const ann = await person(store, "ann@example.test", "Ann");
    await store.updateUser(boss.id, { role: "admin" });
    assert.equal(await store.demoteAdmin(boss.id, AT), "last-admin");
    assert.equal((await store.findUserById(boss.id))?.role, "admin");
    assert.equal(await store.demoteAdmin(ann.id, AT), "unchanged", "not an admin");
    assert.equal(await store.demoteAdmin("0123456789abcdef01234567", AT), "unchanged");
    // A deactivated admin cannot sign in: they do not count as the one who remains.
    await store.updateUser(deputy.id, { role: "admin", isActive: false });
    assert.equal(await store.demoteAdmin(boss.id, AT), "last-admin");
    await store.updateUser(deputy.id, { isActive: true });
    assert.equal(await store.demoteAdmin(boss.id, AT), "demoted");
    const demoted = await store.findUserById(boss.id);
    assert.equal(demoted?.role, "user");
    assert.deepEqual(demoted?.updatedAt, AT);
    assert.equal(await store.demoteAdmin(deputy.id, AT), "last-admin");
  },
  "of two admins demoting each other at once, at least one admin remains": async (store) => {
    const a = await person(store, "a@example.test", "A");
    const b = await person(store, "b@example.test", "B");
    await store.updateUser(a.id, { role: "admin" });
    await store.updateUser(b.id, { role: "admin" });
    const results = await Promise.all([store.demoteAdmin(a.id, AT), store.demoteAdmin(b.id, AT)]);
    assert.ok(results.filter((r) => r === "demoted").length <= 1, results.join());
    const admins = [await store.findUserById(a.id), await store.findUserById(b.id)]
      .filter((u) => u?.role === "admin");
    assert.ok(admins.length >= 1);
  },
};

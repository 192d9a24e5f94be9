/**
 * The behaviour every PasswordResetStore, AccountSecurityStore and UserListStore must have (the
 * admin section's part of UserListStore is in `user-admin.ts`).
 */
import assert from "node:assert/strict";
import { defineContract } from "../../testing/contract.ts";
import type {
  AccountSecurityStore,
  NewPasswordReset,
  PasswordResetStore,
  UserListStore,
} from "../password-resets.ts";
import type { SessionStore } from "../sessions.ts";
import type { SipCredentialStore } from "../sip-credentials.ts";
import type { UserStore } from "../users.ts";
import { userAdminChecks } from "./user-admin.ts";

const HOUR = 60 * 60_000;
const T0 = new Date("2026-03-01T09:00:00Z").getTime();
const at = (hours: number) => new Date(T0 + hours * HOUR);
/** Far enough ahead that no TTL monitor or expiry sweep removes test sessions mid-test. */
const FUTURE = new Date("2100-01-01T00:00:00Z");

/** A pending reset for `userId` made at `T0 + hours`, good for an hour. */
function reset(id: string, userId: string, hours = 0): NewPasswordReset {
  return {
    id,
    tokenHash: `hash-${id}`,
    userId,
    issuedBy: "care4w-1000001",
    createdAt: at(hours),
    expiresAt: at(hours + 1),
  };
}

type Subject =
  & PasswordResetStore
  & AccountSecurityStore
  & UserListStore
  & UserStore
  & SessionStore
  & SipCredentialStore;

const local = (store: Subject, email: string) =>
  store.createUser({ email, displayName: email, passwordHash: "$argon2id$old", firebaseUid: null });

/** Runs the password-reset contract against one implementation. */
export const passwordResetStoreContract = defineContract<Subject>("password reset store", {
  "a reset is saved, found by token hash, and consumed once, only before it expires": async (
    store,
  ) => {
    await store.createPasswordReset(reset("r1", "u1"));
    await store.createPasswordReset(reset("r2", "u2"));
    assert.deepEqual(await store.findPasswordResetByTokenHash("hash-r1"), {
      ...reset("r1", "u1"),
      usedAt: null,
    });
    assert.equal(await store.findPasswordResetByTokenHash("hash-unknown"), null);
    assert.equal(await store.consumePasswordReset("hash-r2", at(1)), null, "expired at expiresAt");
    const taken = await store.consumePasswordReset("hash-r1", at(0.5));
    assert.deepEqual(taken, { ...reset("r1", "u1"), usedAt: at(0.5) });
    assert.equal(await store.consumePasswordReset("hash-r1", at(0.5)), null, "never twice");
    assert.equal(await store.consumePasswordReset("hash-unknown", at(0.5)), null);
    assert.deepEqual((await store.findPasswordResetByTokenHash("hash-r1"))?.usedAt, at(0.5));
  },
  "a new reset for a user replaces their unused one, not anyone else's": async (store) => {
    await store.createPasswordReset(reset("old", "u1"));
    await store.createPasswordReset(reset("other", "u2"));
    await store.createPasswordReset(reset("new", "u1", 0.25));
    assert.equal(await store.findPasswordResetByTokenHash("hash-old"), null);
    assert.equal(await store.consumePasswordReset("hash-old", at(0.5)), null);
    assert.equal((await store.consumePasswordReset("hash-new", at(0.5)))?.id, "new");
    assert.equal((await store.consumePasswordReset("hash-other", at(0.5)))?.id, "other");
    // A used reset leaves room for the next one, and stays on record.
    await store.createPasswordReset(reset("next", "u1", 0.5));
    assert.notEqual(await store.findPasswordResetByTokenHash("hash-new"), null);
  },
  "of many concurrent consumptions of one token exactly one succeeds": async (store) => {
    await store.createPasswordReset(reset("r1", "u1"));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.consumePasswordReset("hash-r1", at(0.5))),
    );
    assert.equal(results.filter((result) => result !== null).length, 1);
  },
  "deleting a user's resets removes their unused one only": async (store) => {
    await store.createPasswordReset(reset("used", "u1"));
    await store.consumePasswordReset("hash-used", at(0.1));
    await store.createPasswordReset(reset("pending", "u1", 0.2));
    await store.createPasswordReset(reset("bob", "u2"));
    await store.deleteUserPasswordResets("u1");
    assert.equal(await store.findPasswordResetByTokenHash("hash-pending"), null);
    assert.notEqual(await store.findPasswordResetByTokenHash("hash-used"), null);
    assert.equal((await store.consumePasswordReset("hash-bob", at(0.5)))?.id, "bob");
  },
  "a local account's password hash is set; a Firebase account never gets one": async (store) => {
    const ann = await local(store, "ann@example.test");
    const fb = await store.createUser({
      email: "fb@example.test",
      displayName: "Fb",
      passwordHash: null,
      firebaseUid: "fb-1",
    });
    assert.equal(await store.setPasswordHash(ann.id, "$argon2id$new"), true);
    assert.equal((await store.findUserById(ann.id))?.passwordHash, "$argon2id$new");
    assert.equal(await store.setPasswordHash(fb.id, "$argon2id$new"), false);
    assert.equal((await store.findUserById(fb.id))?.passwordHash, null);
    assert.equal(await store.setPasswordHash("unknown", "$argon2id$new"), false);
    assert.equal(await store.setPasswordHash("0123456789abcdef01234567", "$argon2id$x"), false);
  },
  "ending other sessions keeps the given one and everyone else's": async (store) => {
    const base = { createdAt: at(0), lastSeenAt: at(0), expiresAt: FUTURE };
    await store.createSession({ id: "mine", userId: "u1", ...base });
    await store.createSession({ id: "phone", userId: "u1", ...base });
    await store.createSession({ id: "laptop", userId: "u1", ...base });
    await store.createSession({ id: "bob", userId: "u2", ...base });
    assert.equal(await store.deleteOtherSessions("u1", "mine"), 2);
    assert.equal((await store.getSession("mine"))?.userId, "u1");
    assert.equal(await store.getSession("phone"), null);
    assert.equal(await store.getSession("laptop"), null);
    assert.equal((await store.getSession("bob"))?.userId, "u2");
    assert.equal(await store.deleteOtherSessions("u1", "mine"), 0);
  },
  "users are listed in CareFlow ID order, a page at a time, inactive ones too": async (store) => {
    const ann = await local(store, "ann@example.test");
    const bob = await local(store, "bob@example.test");
    const cy = await local(store, "cy@example.test");
    await store.updateUser(bob.id, { isActive: false });
    const first = await store.listUsers(0, 2);
    assert.deepEqual(first.map((u) => u.care4wId), [ann.care4wId, bob.care4wId]);
    assert.deepEqual(first[0], await store.findUserById(ann.id), "whole users");
    assert.equal(first[1].isActive, false);
    const rest = await store.listUsers(first[1].sequenceNumber, 2);
    assert.deepEqual(rest.map((u) => u.care4wId), [cy.care4wId]);
    assert.deepEqual(await store.listUsers(cy.sequenceNumber, 2), []);
  },
  ...userAdminChecks,
});

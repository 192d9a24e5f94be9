/** The behaviour every InvitationStore must have. */
import assert from "node:assert/strict";
import { defineContract } from "../../testing/contract.ts";
import type { InvitationStore, NewInvitation } from "../invitations.ts";

const DAY = 24 * 60 * 60_000;
const T0 = new Date("2026-03-01T09:00:00Z").getTime();
const at = (days: number) => new Date(T0 + days * DAY);

/** A pending invitation made at `T0 + days`, good for a week. */
function invitation(id: string, email: string, days = 0): NewInvitation {
  return {
    id,
    tokenHash: `hash-${id}`,
    email,
    invitedBy: "care4w-1000001",
    createdAt: at(days),
    expiresAt: at(days + 7),
  };
}

/** Runs the invitation contract against one implementation. */
export const invitationStoreContract = defineContract<InvitationStore>("invitation store", {
  "invitations are saved, found by token hash and listed while pending, newest first": async (
    store,
  ) => {
    await store.createInvitation(invitation("i1", "ann@example.test", 0));
    await store.createInvitation(invitation("i2", "bob@example.test", 1));
    assert.deepEqual(await store.findInvitationByTokenHash("hash-i1"), {
      ...invitation("i1", "ann@example.test", 0),
      usedAt: null,
      usedBy: null,
    });
    assert.equal(await store.findInvitationByTokenHash("hash-unknown"), null);
    const pending = await store.listPendingInvitations(at(2));
    assert.deepEqual(pending.map((i) => i.id), ["i2", "i1"]);
    assert.deepEqual((await store.listPendingInvitations(at(7.5))).map((i) => i.id), ["i2"]);
    assert.deepEqual(await store.listPendingInvitations(at(9)), [], "expired ones are not pending");
  },
  "inviting an email again replaces its unused invitation": async (store) => {
    await store.createInvitation(invitation("old", "ann@example.test", 0));
    await store.createInvitation(invitation("other", "bob@example.test", 0));
    await store.createInvitation(invitation("new", "ann@example.test", 1));
    assert.equal(await store.findInvitationByTokenHash("hash-old"), null);
    assert.deepEqual(
      (await store.listPendingInvitations(at(2))).map((i) => i.id).sort(),
      ["new", "other"],
    );
    assert.equal(await store.consumeInvitation("hash-old", at(2)), null);
  },
  "an invitation is consumed once, only before it expires": async (store) => {
    await store.createInvitation(invitation("i1", "ann@example.test"));
    await store.createInvitation(invitation("i2", "bob@example.test"));
    assert.equal(await store.consumeInvitation("hash-i2", at(7)), null, "expired at expiresAt");
    const taken = await store.consumeInvitation("hash-i1", at(1));
    assert.deepEqual(taken, {
      ...invitation("i1", "ann@example.test"),
      usedAt: at(1),
      usedBy: null,
    });
    assert.equal(await store.consumeInvitation("hash-i1", at(1)), null, "never twice");
    assert.equal(await store.consumeInvitation("hash-unknown", at(1)), null);
    await store.recordInvitationUser("i1", "user-1");
    assert.equal((await store.findInvitationByTokenHash("hash-i1"))?.usedBy, "user-1");
    assert.deepEqual((await store.listPendingInvitations(at(1))).map((i) => i.id), ["i2"]);
    // A used invitation leaves room for a new one to the same email (which is then refused
    // elsewhere when that account exists): the used record stays.
    await store.createInvitation(invitation("i3", "ann@example.test", 1));
    assert.equal((await store.findInvitationByTokenHash("hash-i1"))?.usedBy, "user-1");
  },
  "of many concurrent consumptions of one token exactly one succeeds": async (store) => {
    await store.createInvitation(invitation("i1", "ann@example.test"));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.consumeInvitation("hash-i1", at(1))),
    );
    assert.equal(results.filter((result) => result !== null).length, 1);
  },
  "a released invitation is pending again, unless it made an account or was replaced": async (
    store,
  ) => {
    await store.createInvitation(invitation("i1", "ann@example.test"));
    await store.consumeInvitation("hash-i1", at(1));
    await store.releaseInvitation("i1");
    assert.deepEqual((await store.listPendingInvitations(at(1))).map((i) => i.id), ["i1"]);
    assert.equal((await store.consumeInvitation("hash-i1", at(1)))?.id, "i1");
    await store.recordInvitationUser("i1", "user-1");
    await store.releaseInvitation("i1");
    assert.deepEqual(await store.listPendingInvitations(at(1)), [], "it made an account");

    await store.createInvitation(invitation("j1", "bob@example.test"));
    await store.consumeInvitation("hash-j1", at(1));
    await store.createInvitation(invitation("j2", "bob@example.test", 1));
    await store.releaseInvitation("j1");
    assert.deepEqual((await store.listPendingInvitations(at(2))).map((i) => i.id), ["j2"]);
    assert.notEqual((await store.findInvitationByTokenHash("hash-j1"))?.usedAt, null);
  },
  "revoking deletes an unused invitation only": async (store) => {
    await store.createInvitation(invitation("i1", "ann@example.test"));
    await store.createInvitation(invitation("i2", "bob@example.test"));
    await store.consumeInvitation("hash-i2", at(1));
    assert.equal(await store.deleteInvitation("i1"), true);
    assert.equal(await store.deleteInvitation("i1"), false);
    assert.equal(await store.deleteInvitation("i2"), false, "a used one is kept");
    assert.equal(await store.deleteInvitation("unknown"), false);
    assert.equal(await store.consumeInvitation("hash-i1", at(1)), null);
    assert.notEqual(await store.findInvitationByTokenHash("hash-i2"), null);
  },
});

/** The behaviour every SessionStore and LoginFailureStore must have. */
import assert from "node:assert/strict";
import { defineContract } from "../../testing/contract.ts";
import type { LoginFailureStore, SessionStore } from "../sessions.ts";

const MINUTE = 60_000;
/** Far enough ahead that no TTL monitor or expiry sweep removes test sessions mid-test. */
const FUTURE = new Date("2100-01-01T00:00:00Z");
const T0 = new Date("2026-03-01T09:00:00Z").getTime();

/** Runs the session contract against one implementation. */
export const sessionStoreContract = defineContract<SessionStore>("session store", {
  "sessions are created, read, touched and deleted": async (store) => {
    const created = new Date(T0);
    const session = { id: "s1", userId: "u1", createdAt: created, lastSeenAt: created };
    await store.createSession({ ...session, expiresAt: FUTURE });
    assert.deepEqual(await store.getSession("s1"), { ...session, expiresAt: FUTURE });
    const seen = new Date(T0 + MINUTE);
    const later = new Date(FUTURE.getTime() + MINUTE);
    await store.touchSession("s1", seen, later);
    assert.deepEqual(await store.getSession("s1"), {
      ...session,
      lastSeenAt: seen,
      expiresAt: later,
    });
    await store.touchSession("unknown", seen, later);
    assert.equal(await store.getSession("unknown"), null);
    await store.deleteSession("s1");
    assert.equal(await store.getSession("s1"), null);
    await store.deleteSession("s1");
  },
  "deleteUserSessions removes only that user's sessions": async (store) => {
    const base = { createdAt: new Date(T0), lastSeenAt: new Date(T0), expiresAt: FUTURE };
    await store.createSession({ id: "a1", userId: "u1", ...base });
    await store.createSession({ id: "a2", userId: "u1", ...base });
    await store.createSession({ id: "b1", userId: "u2", ...base });
    await store.deleteUserSessions("u1");
    assert.equal(await store.getSession("a1"), null);
    assert.equal(await store.getSession("a2"), null);
    assert.equal((await store.getSession("b1"))?.userId, "u2");
    await store.deleteUserSessions("nobody");
  },
});

/** Runs the failed-login contract against one implementation. */
export const loginFailureStoreContract = defineContract<LoginFailureStore>("login failure store", {
  "login failures are listed per key since a time, oldest first, and cleared": async (store) => {
    // Recent times: MongoDB's TTL index would remove old ones while the test runs.
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * MINUTE);
    await store.recordLoginFailure("a@x.test", at(5));
    await store.recordLoginFailure("a@x.test", at(20));
    await store.recordLoginFailure("a@x.test", at(1));
    await store.recordLoginFailure("b@x.test", at(2));
    assert.deepEqual(await store.listLoginFailures("a@x.test", at(30)), [at(20), at(5), at(1)]);
    assert.deepEqual(await store.listLoginFailures("a@x.test", at(5)), [at(5), at(1)]);
    await store.clearLoginFailures("a@x.test");
    assert.deepEqual(await store.listLoginFailures("a@x.test", at(30)), []);
    assert.deepEqual(await store.listLoginFailures("b@x.test", at(30)), [at(2)]);
  },
});

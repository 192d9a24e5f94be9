/**
 * The behaviour every Store must have. Each implementation's test file calls `storeContract` once;
 * every behaviour is its own Deno.test on a fresh store so failures point at one promise.
 */
import assert from "node:assert/strict";
import type { CallRecord, NewUser, Store } from "./types.ts";
import { StoreConflictError } from "./types.ts";

/** Options for one run of the contract. */
export interface ContractOptions {
  /** Register the tests as ignored (reported as skipped), e.g. when no server is configured. */
  ignore?: boolean;
  /** Deno's op/resource sanitizers; off for drivers whose sockets finish closing after close(). */
  sanitize?: boolean;
}

const MINUTE = 60_000;
/** Far enough ahead that no TTL monitor or expiry sweep removes test sessions mid-test. */
const FUTURE = new Date("2100-01-01T00:00:00Z");
const T0 = new Date("2026-03-01T09:00:00Z").getTime();

const newUser = (n: number, extra: Partial<NewUser> = {}): NewUser => ({
  email: `user${n}@example.test`,
  displayName: `User ${n}`,
  passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
  firebaseUid: null,
  ...extra,
});

/** A finished call between two users; `minutes` orders calls in time. */
function call(
  id: string,
  from: [string, string, string],
  to: [string, string, string],
  minutes: number,
  extra: Partial<CallRecord> = {},
): CallRecord {
  const startedAt = new Date(T0 + minutes * MINUTE);
  return {
    id,
    mode: "webrtc",
    status: "completed",
    callerUserId: from[0],
    callerCare4wId: from[1],
    callerName: from[2],
    calleeUserId: to[0],
    calleeCare4wId: to[1],
    calleeName: to[2],
    startedAt,
    answeredAt: new Date(startedAt.getTime() + 5_000),
    endedAt: new Date(startedAt.getTime() + 65_000),
    durationSeconds: 60,
    ...extra,
  };
}

const ALICE: [string, string, string] = ["u-alice", "care4w-1000001", "Alice Ängström"];
const BOB: [string, string, string] = ["u-bob", "care4w-1000002", "Bob 100% Real_Name"];
const CAROL: [string, string, string] = ["u-carol", "care4w-1000003", "Carol Jones"];
const DAVE: [string, string, string] = ["u-dave", "care4w-1000004", "Dave Smith"];

/** Alice's history (newest last by minute) plus one call she was not part of. */
async function seedCalls(store: Store): Promise<void> {
  const calls = [
    call("c1", ALICE, BOB, 1),
    call("c2", BOB, ALICE, 2, { status: "missed", answeredAt: null, durationSeconds: 0 }),
    call("c3", ALICE, CAROL, 3, { mode: "sip" }),
    call("c4", CAROL, ALICE, 4, { status: "declined", answeredAt: null, durationSeconds: 0 }),
    call("c5", ALICE, DAVE, 5),
    call("c6", BOB, CAROL, 6),
  ];
  for (const c of calls) assert.equal(await store.insertCall(c), true);
}

const ids = (page: { calls: CallRecord[] }) => page.calls.map((c) => c.id);

type Check = (store: Store) => Promise<void>;

const checks: Record<string, Check> = {
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
  "counters start at 1, count independently and never repeat under concurrency": async (store) => {
    assert.equal(await store.nextCounterValue("a"), 1);
    assert.equal(await store.nextCounterValue("a"), 2);
    assert.equal(await store.nextCounterValue("b"), 1);
    const values = await Promise.all(Array.from({ length: 20 }, () => store.nextCounterValue("c")));
    assert.deepEqual(values.sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
  },
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
  "insertCall is idempotent by id": async (store) => {
    const first = call("c1", ALICE, BOB, 1);
    assert.equal(await store.insertCall(first), true);
    assert.equal(
      await store.insertCall({ ...first, status: "failed", calleeName: "Other" }),
      false,
    );
    assert.deepEqual(await store.getCallForUser("c1", ALICE[0]), first);
    assert.equal((await store.listCallsForUser(ALICE[0], { page: 1, limit: 10 })).total, 1);
  },
  "call history is newest first, paginated, with the total": async (store) => {
    await seedCalls(store);
    const all = await store.listCallsForUser(ALICE[0], { page: 1, limit: 10 });
    assert.deepEqual(ids(all), ["c5", "c4", "c3", "c2", "c1"]);
    assert.equal(all.total, 5);
    assert.deepEqual(all.calls[0], call("c5", ALICE, DAVE, 5));
    const page2 = await store.listCallsForUser(ALICE[0], { page: 2, limit: 2 });
    assert.deepEqual(ids(page2), ["c3", "c2"]);
    assert.equal(page2.total, 5);
    const page3 = await store.listCallsForUser(ALICE[0], { page: 3, limit: 2 });
    assert.deepEqual(ids(page3), ["c1"]);
    const beyond = await store.listCallsForUser(ALICE[0], { page: 4, limit: 2 });
    assert.deepEqual(beyond, { calls: [], total: 5 });
  },
  "call history filters by direction, status and time range": async (store) => {
    await seedCalls(store);
    const list = (q: Omit<Parameters<Store["listCallsForUser"]>[1], "page" | "limit">) =>
      store.listCallsForUser(ALICE[0], { page: 1, limit: 10, ...q });
    assert.deepEqual(ids(await list({ direction: "outbound" })), ["c5", "c3", "c1"]);
    assert.deepEqual(ids(await list({ direction: "inbound" })), ["c4", "c2"]);
    assert.deepEqual(
      ids(await store.listCallsForUser(BOB[0], { page: 1, limit: 9, direction: "inbound" })),
      ["c1"],
    );
    assert.deepEqual(ids(await list({ status: "completed" })), ["c5", "c3", "c1"]);
    const missedIn = await list({ status: "missed", direction: "inbound" });
    assert.deepEqual(missedIn, { calls: [missedIn.calls[0]], total: 1 });
    assert.equal(missedIn.calls[0].id, "c2");
    const range = { from: new Date(T0 + 2 * MINUTE), to: new Date(T0 + 4 * MINUTE) };
    assert.deepEqual(ids(await list(range)), ["c3", "c2"]);
    assert.deepEqual(ids(await list({ ...range, direction: "outbound" })), ["c3"]);
  },
  "call search matches only the other party's name or CareFlow ID": async (store) => {
    await seedCalls(store);
    const search = (q: string, userId = ALICE[0]) =>
      store.listCallsForUser(userId, { page: 1, limit: 10, q }).then(ids);
    assert.deepEqual(await search("JONES"), ["c4", "c3"]);
    assert.deepEqual(await search("care4w-1000004"), ["c5"]);
    assert.deepEqual(await search("CARE4W-100000"), ["c5", "c4", "c3", "c2", "c1"]);
    assert.deepEqual(await search("alice"), []);
    assert.deepEqual(await search("1000001"), []);
    assert.deepEqual(await search("ängström", BOB[0]), ["c2", "c1"]);
    // SQL LIKE and regex metacharacters are matched literally.
    assert.deepEqual(await search("100% real_"), ["c2", "c1"]);
    assert.deepEqual(await search("%"), ["c2", "c1"]);
    assert.deepEqual(await search("_"), ["c2", "c1"]);
    assert.deepEqual(await search(".*"), []);
    const counted = await store.listCallsForUser(ALICE[0], { page: 1, limit: 1, q: "jones" });
    assert.equal(counted.total, 2);
  },
  "a user never sees calls they were not part of": async (store) => {
    await seedCalls(store);
    assert.deepEqual(ids(await store.listCallsForUser(DAVE[0], { page: 1, limit: 10 })), ["c5"]);
    assert.deepEqual(await store.listCallsForUser("u-nobody", { page: 1, limit: 10 }), {
      calls: [],
      total: 0,
    });
    assert.equal((await store.getCallForUser("c6", BOB[0]))?.id, "c6");
    assert.equal((await store.getCallForUser("c6", CAROL[0]))?.id, "c6");
    assert.equal(await store.getCallForUser("c6", ALICE[0]), null);
    assert.equal(await store.getCallForUser("missing", ALICE[0]), null);
  },
  "a call to oneself is listed once, as outbound": async (store) => {
    await store.insertCall(call("self", ALICE, ALICE, 1));
    const list = (direction?: "inbound" | "outbound") =>
      store.listCallsForUser(ALICE[0], { page: 1, limit: 10, direction });
    assert.deepEqual(ids(await list()), ["self"]);
    assert.equal((await list()).total, 1);
    assert.deepEqual(ids(await list("outbound")), ["self"]);
    assert.deepEqual(await list("inbound"), { calls: [], total: 0 });
  },
  "SIP credentials are saved, overwritten and read back": async (store) => {
    assert.equal(await store.getSipCredential("u1"), null);
    const first = { userId: "u1", encryptedPassword: "enc-1", ha1: "h1", rotatedAt: new Date(T0) };
    await store.saveSipCredential(first);
    assert.deepEqual(await store.getSipCredential("u1"), first);
    const second = { ...first, encryptedPassword: "enc-2", ha1: "h2", rotatedAt: new Date(T0 + 1) };
    await store.saveSipCredential(second);
    assert.deepEqual(await store.getSipCredential("u1"), second);
    assert.equal(await store.getSipCredential("u2"), null);
  },
  "the agent outbox versions each change and clears only the version delivered": async (store) => {
    assert.deepEqual(await store.listAgentSync(10), []);
    assert.equal(await store.queueAgentSync("care4w-1000002", new Date(T0 + 5)), 1);
    assert.equal(await store.queueAgentSync("care4w-1000001", new Date(T0)), 1);
    // A second change to the same user bumps the version and keeps its place in the queue.
    assert.equal(await store.queueAgentSync("care4w-1000002", new Date(T0 + 9)), 2);
    assert.deepEqual(await store.listAgentSync(10), [
      { care4wId: "care4w-1000001", version: 1, queuedAt: new Date(T0) },
      { care4wId: "care4w-1000002", version: 2, queuedAt: new Date(T0 + 5) },
    ]);
    assert.deepEqual((await store.listAgentSync(1)).map((e) => e.care4wId), ["care4w-1000001"]);
    assert.deepEqual(await store.listAgentSync(0), []);
    // Delivering version 1 must not clear the newer version 2.
    assert.equal(await store.clearAgentSync("care4w-1000002", 1), false);
    assert.equal(await store.clearAgentSync("care4w-1000002", 2), true);
    assert.equal(await store.clearAgentSync("care4w-1000002", 2), false);
    assert.deepEqual((await store.listAgentSync(10)).map((e) => e.care4wId), ["care4w-1000001"]);
  },
};

/**
 * Registers one Deno.test per store behaviour, each on a fresh store from `open` that is closed
 * afterwards even when the check fails.
 */
export function storeContract(
  name: string,
  open: () => Promise<Store>,
  options: ContractOptions = {},
): void {
  const sanitize = options.sanitize ?? true;
  for (const [behaviour, check] of Object.entries(checks)) {
    Deno.test({
      name: `${name} store: ${behaviour}`,
      ignore: options.ignore ?? false,
      sanitizeOps: sanitize,
      sanitizeResources: sanitize,
      async fn() {
        const store = await open();
        try {
          await check(store);
        } finally {
          await store.close();
        }
      },
    });
  }
}

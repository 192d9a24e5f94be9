/** The behaviour every CallStore must have. */
import assert from "node:assert/strict";
import type { CallDirection } from "../../../shared/calls.ts";
import type { CallRecord } from "../../calls/rules.ts";
import { defineContract } from "../../testing/contract.ts";
import type { CallStore } from "../calls.ts";

const MINUTE = 60_000;
const T0 = new Date("2026-03-01T09:00:00Z").getTime();

/** A finished call between two users; `minutes` orders calls in time. */
export function call(
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
    callerPhone: null,
    callerName: from[2],
    calleeUserId: to[0],
    calleeCare4wId: to[1],
    calleePhone: null,
    calleeName: to[2],
    startedAt,
    answeredAt: new Date(startedAt.getTime() + 5_000),
    endedAt: new Date(startedAt.getTime() + 65_000),
    durationSeconds: 60,
    recordedBy: null,
    hangupCause: null,
    quality: null,
    transferredBy: null,
    transferredTo: null,
    ...extra,
  };
}

/** An outside phone as a party: no user, no CareFlow ID. */
const phone = (number: string) => ({ userId: null, care4wId: null, phone: number, name: number });

const ALICE: [string, string, string] = ["u-alice", "care4w-1000001", "Alice Ängström"];
const BOB: [string, string, string] = ["u-bob", "care4w-1000002", "Bob 100% Real_Name"];
const CAROL: [string, string, string] = ["u-carol", "care4w-1000003", "Carol Jones"];
const DAVE: [string, string, string] = ["u-dave", "care4w-1000004", "Dave Smith"];

/** Alice's history (newest last by minute) plus one call she was not part of. */
async function seedCalls(store: CallStore): Promise<void> {
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

/** Runs the call contract against one implementation. */
export const callStoreContract = defineContract<CallStore>("call store", {
  "insertCall is idempotent by id": async (store) => {
    const first = call("c1", ALICE, BOB, 1);
    assert.equal(await store.insertCall(first), true);
    assert.equal(
      await store.insertCall({ ...first, status: "failed", calleeName: "Other" }),
      false,
    );
    assert.deepEqual(await store.getCallForUser("c1", ALICE[0]), first);
    assert.equal((await store.listCallsForUser(ALICE[0], { page: 1, limit: 10 })).total, 1);
    assert.equal(await store.hasCall("c1"), true);
    assert.equal(await store.hasCall("c2"), false);
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
    const list = (q: Omit<Parameters<CallStore["listCallsForUser"]>[1], "page" | "limit">) =>
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
    const list = (direction?: CallDirection) =>
      store.listCallsForUser(ALICE[0], { page: 1, limit: 10, direction });
    assert.deepEqual(ids(await list()), ["self"]);
    assert.equal((await list()).total, 1);
    assert.deepEqual(ids(await list("outbound")), ["self"]);
    assert.deepEqual(await list("inbound"), { calls: [], total: 0 });
  },
  "outside phones are parties: listed, searched by number, measured quality kept": async (
    store,
  ) => {
    const out = phone("+447700900123");
    const inbound = phone("+14155550100");
    const quality = { mos: 4.1, jitterMs: 12.5, lossPercent: 0.4 };
    const toPhone = call("p1", ALICE, BOB, 1, {
      mode: "sip",
      calleeUserId: out.userId,
      calleeCare4wId: out.care4wId,
      calleePhone: out.phone,
      calleeName: out.name,
      hangupCause: "NORMAL_CLEARING",
      quality,
    });
    const fromPhone = call("p2", ALICE, ALICE, 2, {
      mode: "sip",
      status: "missed",
      callerUserId: inbound.userId,
      callerCare4wId: inbound.care4wId,
      callerPhone: inbound.phone,
      callerName: inbound.name,
      answeredAt: null,
      durationSeconds: 0,
      hangupCause: "NO_ANSWER",
    });
    assert.equal(await store.insertCall(toPhone), true);
    assert.equal(await store.insertCall(fromPhone), true);
    assert.deepEqual(await store.getCallForUser("p1", ALICE[0]), toPhone);
    assert.deepEqual(await store.getCallForUser("p2", ALICE[0]), fromPhone);
    const list = (q: Omit<Parameters<CallStore["listCallsForUser"]>[1], "page" | "limit">) =>
      store.listCallsForUser(ALICE[0], { page: 1, limit: 10, ...q }).then(ids);
    assert.deepEqual(await list({}), ["p2", "p1"]);
    assert.deepEqual(await list({ direction: "inbound" }), ["p2"]);
    assert.deepEqual(await list({ direction: "outbound" }), ["p1"]);
    assert.deepEqual(await list({ q: "7700900" }), ["p1"]);
    assert.deepEqual(await list({ q: "+1415" }), ["p2"]);
    assert.deepEqual(await store.listCallsForUser(BOB[0], { page: 1, limit: 10 }), {
      calls: [],
      total: 0,
    });
  },
  "a browser call keeps the worse side's measured quality; other calls and people change nothing":
    async (store) => {
      await seedCalls(store);
      const fine = { mos: 4.3, jitterMs: 4, lossPercent: 0 };
      const choppy = { mos: 3.2, jitterMs: 40, lossPercent: 6 };
      assert.equal(await store.recordCallQuality("c1", BOB[0], fine), true);
      assert.deepEqual((await store.getCallForUser("c1", ALICE[0]))?.quality, fine);
      assert.equal(await store.recordCallQuality("c1", ALICE[0], choppy), true);
      assert.equal(await store.recordCallQuality("c1", BOB[0], fine), true);
      assert.deepEqual((await store.getCallForUser("c1", BOB[0]))?.quality, choppy, "worse stays");
      assert.equal(await store.recordCallQuality("c1", CAROL[0], fine), false, "not a party");
      assert.equal(await store.recordCallQuality("c3", ALICE[0], fine), false, "a sip call");
      assert.equal((await store.getCallForUser("c3", ALICE[0]))?.quality, null);
      assert.equal(await store.recordCallQuality("missing", ALICE[0], fine), false);
    },
});

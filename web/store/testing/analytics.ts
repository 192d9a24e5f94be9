/** The behaviour every AnalyticsStore must have: the reference tally, whatever the zone. */
import assert from "node:assert/strict";
import { type AnalyticsTally, type HourTally, TOP_CONTACTS } from "../../../shared/analytics.ts";
import { type AnalyticsCall, periodBounds, tallyCalls } from "../../../shared/analytics-calls.ts";
import type { AnalyticsPeriod } from "../../../shared/analytics.ts";
import { type CallRecord, partyOf } from "../../calls/rules.ts";
import { defineContract } from "../../testing/contract.ts";
import type { AnalyticsQuery, AnalyticsStore } from "../analytics.ts";
import type { CallStore } from "../calls.ts";
import { seedCalls, seedContacts, type SeedParty } from "./analytics-seed.ts";
import { call } from "./calls.ts";

type Subject = AnalyticsStore & CallStore;

const ME: SeedParty = { userId: "u-me", care4wId: "care4w-1000001", phone: null, name: "Me" };
/** Ten weeks around the spring DST change in Europe (2026-03-29). */
const START = Date.UTC(2026, 2, 1);

/** A mixed history of ME's (and some of other people's) calls, inserted through the store. */
async function seed(store: CallStore, count = 600): Promise<CallRecord[]> {
  const calls = seedCalls({
    count,
    me: ME,
    contacts: seedContacts(12, 20),
    start: START,
    days: 70,
  });
  for (const call of calls) assert.equal(await store.insertCall(call), true);
  return calls;
}

/** The calls as `scope` sees them (the history's rule: a self-call once, as outbound). */
function viewed(calls: readonly CallRecord[], scope: AnalyticsQuery["scope"]): AnalyticsCall[] {
  return calls.flatMap((call): AnalyticsCall[] => {
    const outbound = scope === "organisation"
      ? call.callerUserId !== null
      : call.callerUserId === scope.userId;
    if (scope !== "organisation" && !outbound && call.calleeUserId !== scope.userId) return [];
    return [{
      direction: outbound ? "outbound" : "inbound",
      status: call.status,
      startedAt: call.startedAt,
      durationSeconds: call.durationSeconds,
      other: partyOf(call, outbound ? "callee" : "caller"),
    }];
  });
}

const byHour = (a: HourTally, b: HourTally) =>
  a.localHour - b.localHour || a.direction.localeCompare(b.direction);
const sorted = (tally: AnalyticsTally) => ({
  hours: [...tally.hours].sort(byHour),
  contacts: tally.contacts,
});

/** The store's tally and the reference tally of the same calls, for one period and scope. */
async function compare(
  store: Subject,
  calls: readonly CallRecord[],
  period: AnalyticsPeriod,
  scope: AnalyticsQuery["scope"],
  offsets?: AnalyticsQuery["offsets"],
) {
  const bounds = periodBounds(period);
  if (offsets) bounds.segments = [...offsets];
  const query = {
    scope,
    from: new Date(bounds.fromMs),
    to: new Date(bounds.toMs),
    offsets: bounds.segments,
    contactLimit: TOP_CONTACTS,
  };
  const got = sorted(await store.analyticsTally(query));
  assert.deepEqual(got, sorted(tallyCalls(viewed(calls, scope), bounds)));
  return got;
}

const ALL: AnalyticsPeriod = { from: "2026-03-01", to: "2026-05-09", tz: "Europe/London" };

/** Runs the analytics contract against one implementation. */
export const analyticsStoreContract = defineContract<Subject>("analytics store", {
  "a user without calls gets an empty tally": async (store) => {
    await seed(store, 50);
    const bounds = periodBounds(ALL);
    const tally = await store.analyticsTally({
      scope: { userId: "u-nobody" },
      from: new Date(bounds.fromMs),
      to: new Date(bounds.toMs),
      offsets: bounds.segments,
      contactLimit: TOP_CONTACTS,
    });
    assert.deepEqual(tally, { hours: [], contacts: [] });
  },
  "a user's tally is the reference tally of their history, across DST": async (store) => {
    const calls = await seed(store);
    const got = await compare(store, calls, ALL, { userId: ME.userId! });
    assert.ok(got.hours.length > 100 && got.contacts.length === TOP_CONTACTS);
  },
  "the organisation's tally counts each call once": async (store) => {
    const calls = await seed(store);
    const got = await compare(store, calls, ALL, "organisation");
    const total = got.hours.reduce(
      (n, h) => n + Object.values(h.statuses).reduce((a, b) => a + b),
      0,
    );
    assert.equal(total, calls.length);
  },
  "periods with partial days and weeks, in zones off the hour": async (store) => {
    const calls = await seed(store);
    for (const tz of ["Asia/Kathmandu", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham"]) {
      await compare(store, calls, { from: "2026-03-10", to: "2026-04-20", tz }, {
        userId: ME.userId!,
      });
    }
    await compare(store, calls, { from: "2026-03-28", to: "2026-03-30", tz: "Europe/London" }, {
      userId: ME.userId!,
    });
  },
  "a contact is named as on their latest call, wherever it is counted": async (store) => {
    const me: [string, string, string] = ["u-me", "care4w-1000001", "Me"];
    const bob = (name: string): [string, string, string] => ["u-bob", "care4w-1000002", name];
    const carol = (name: string): [string, string, string] => ["u-carol", "care4w-1000003", name];
    const day = 24 * 60;
    // Minutes from 2026-03-01T09:00Z: days 4 and 68 are in the period's partial 28-day blocks
    // (counted from the calls), days 19 and 50 in whole ones (counted from the rollup).
    const calls = [
      call("n1", me, bob("Bob Early"), 4 * day),
      call("n2", bob("Bob Latest"), me, 50 * day),
      call("n3", me, bob("Bob Middle"), 19 * day),
      call("n4", carol("Carol Old"), me, 19 * day),
      call("n5", me, carol("Carol New"), 68 * day, { status: "missed", durationSeconds: 0 }),
    ];
    for (const c of calls) assert.equal(await store.insertCall(c), true);
    const got = await compare(store, calls, ALL, { userId: ME.userId! });
    assert.deepEqual(got.contacts.map((c) => [c.party.displayName, c.calls, c.answered]), [
      ["Bob Latest", 3, 3],
      ["Carol New", 2, 1],
    ]);
  },
  "an offset off the quarter-hour is still exact": async (store) => {
    const calls = await seed(store);
    const bounds = periodBounds(ALL);
    // A made-up zone, 7 minutes ahead of UTC, then 67 from the middle of the period.
    const middle = Math.floor((bounds.fromMs + bounds.toMs) / 2);
    await compare(store, calls, ALL, { userId: ME.userId! }, [
      { startMs: bounds.fromMs, offsetMs: 7 * 60_000 },
      { startMs: middle, offsetMs: 67 * 60_000 },
    ]);
  },
});

import assert from "node:assert/strict";
import { TOP_CONTACTS } from "./analytics.ts";
import { type AnalyticsCall, analyticsFromCalls, periodBounds } from "./analytics-calls.ts";
import type { CallStatus } from "./calls.ts";
import { isTimeZone, localDayStart, zoneClock } from "./time-zone.ts";

const BOB = { care4wId: "care4w-1000002", phone: null, displayName: "Bob" };

function at(iso: string, status: CallStatus = "completed", extra: Partial<AnalyticsCall> = {}) {
  return {
    direction: "outbound" as const,
    status,
    startedAt: new Date(iso),
    durationSeconds: status === "completed" || status === "voicemail" ? 90 : 0,
    other: BOB,
    ...extra,
  };
}

Deno.test("no calls: every figure is there, at zero, every day of the period", () => {
  const report = analyticsFromCalls([], { from: "2026-02-27", to: "2026-03-02", tz: "UTC" });
  assert.deepEqual(report.totals, {
    calls: 0,
    made: 0,
    received: 0,
    answered: 0,
    missed: 0,
    declined: 0,
    failed: 0,
    voicemails: 0,
    talkSeconds: 0,
    talkMinutes: 0,
    answerRate: 0,
    averageSeconds: 0,
    longestSeconds: 0,
  });
  assert.deepEqual(report.series.map((d) => d.date), [
    "2026-02-27",
    "2026-02-28",
    "2026-03-01",
    "2026-03-02",
  ]);
  assert.equal(report.hours.length, 24);
  assert.deepEqual(report.weekdays.map((d) => [d.weekday, d.calls]), [
    [1, 0],
    [2, 0],
    [3, 0],
    [4, 0],
    [5, 0],
    [6, 0],
    [7, 0],
  ]);
  assert.deepEqual(report.heatmap, new Array(7).fill(new Array(24).fill(0)));
  assert.equal(report.outcomes.every((o) => o.calls === 0), true);
  assert.deepEqual(report.topContacts, []);
});

Deno.test("the words: answered, talk, average, longest, answer rate, outcomes", () => {
  const calls = [
    at("2026-03-02T10:00:00Z", "completed", { durationSeconds: 100 }),
    at("2026-03-02T10:10:00Z", "completed", { durationSeconds: 201 }),
    at("2026-03-02T11:00:00Z", "voicemail", { direction: "inbound", durationSeconds: 40 }),
    at("2026-03-02T12:00:00Z", "missed", { direction: "inbound" }),
    at("2026-03-03T12:00:00Z", "declined"),
    at("2026-03-03T12:00:00Z", "failed"),
    at("2026-03-03T12:00:00Z", "busy"),
  ];
  const report = analyticsFromCalls(calls, { from: "2026-03-02", to: "2026-03-03", tz: "UTC" });
  const { totals } = report;
  assert.deepEqual([totals.calls, totals.made, totals.received], [7, 5, 2]);
  assert.deepEqual([totals.answered, totals.missed, totals.declined], [2, 1, 1]);
  assert.deepEqual([totals.failed, totals.voicemails], [1, 1]);
  // Talk is conversation: the voicemail's 40 s (the switch answered it) are not talk.
  assert.deepEqual([totals.talkSeconds, totals.talkMinutes], [301, 5]);
  assert.deepEqual([totals.averageSeconds, totals.longestSeconds], [151, 201]);
  assert.equal(totals.answerRate, 0.2857);
  assert.deepEqual(report.outcomes.find((o) => o.status === "busy"), { status: "busy", calls: 1 });
  assert.deepEqual(report.series.map((d) => [d.calls, d.answered, d.missed, d.minutes]), [
    [4, 2, 1, 5],
    [3, 0, 0, 0],
  ]);
  // 2026-03-02 is a Monday.
  assert.deepEqual([report.heatmap[0][10], report.weekdays[0].calls, report.hours[12].calls], [
    2,
    4,
    4,
  ]);
});

Deno.test("London across DST: the missing hour in spring, the repeated hour in autumn", () => {
  const tz = "Europe/London";
  const spring = analyticsFromCalls(
    [at("2026-03-29T00:30:00Z"), at("2026-03-29T01:30:00Z"), at("2026-03-28T23:59:59Z")],
    { from: "2026-03-29", to: "2026-03-29", tz },
  );
  assert.deepEqual([spring.hours[0].calls, spring.hours[1].calls, spring.hours[2].calls], [
    1,
    0,
    1,
  ]);
  assert.equal(spring.totals.calls, 2, "23:59:59 GMT is the day before");
  const autumn = analyticsFromCalls(
    [at("2026-10-25T00:30:00Z"), at("2026-10-25T01:30:00Z"), at("2026-10-25T23:30:00Z")],
    { from: "2026-10-25", to: "2026-10-25", tz },
  );
  assert.deepEqual([autumn.hours[1].calls, autumn.hours[23].calls], [2, 1]);
  const summer = periodBounds({ from: "2026-07-01", to: "2026-07-31", tz });
  assert.equal(new Date(summer.fromMs).toISOString(), "2026-06-30T23:00:00.000Z");
  assert.equal(new Date(summer.toMs).toISOString(), "2026-07-31T23:00:00.000Z");
  const year = periodBounds({ from: "2026-01-01", to: "2026-12-31", tz });
  assert.deepEqual(year.segments.map((s) => [new Date(s.startMs).toISOString(), s.offsetMs]), [
    ["2026-01-01T00:00:00.000Z", 0],
    ["2026-03-29T01:00:00.000Z", 3_600_000],
    ["2026-10-25T01:00:00.000Z", 0],
  ]);
});

Deno.test("zones off the hour and days that do not begin at midnight", () => {
  const kathmandu = analyticsFromCalls(
    [at("2026-01-01T18:14:59Z"), at("2026-01-01T18:15:00Z")],
    { from: "2026-01-01", to: "2026-01-02", tz: "Asia/Kathmandu" },
  );
  assert.deepEqual(kathmandu.series.map((d) => d.calls), [1, 1]);
  assert.deepEqual([kathmandu.hours[23].calls, kathmandu.hours[0].calls], [1, 1]);
  // Chile moves its clocks from 24:00 to 01:00: 2026-09-06 begins at 01:00 local, 04:00 UTC.
  const start = localDayStart(zoneClock("America/Santiago"), "2026-09-06");
  assert.equal(new Date(start).toISOString(), "2026-09-06T04:00:00.000Z");
  assert.equal(isTimeZone("Europe/London"), true);
  assert.equal(isTimeZone("UTC"), true);
  assert.equal(isTimeZone("Mars/Olympus"), false);
  assert.equal(isTimeZone("../etc/passwd"), false);
});

Deno.test("top contacts: most calls, then most talk, then address; at most ten", () => {
  const party = (n: number) => ({ care4wId: null, phone: `+4477009000${n}`, displayName: `P${n}` });
  const calls = Array.from(
    { length: 12 },
    (_, n) =>
      Array.from({ length: n === 3 ? 5 : 2 }, () =>
        at("2026-03-02T10:00:00Z", "completed", {
          other: party(n),
          durationSeconds: n === 7 ? 500 : 10,
        })),
  ).flat();
  const report = analyticsFromCalls(calls, { from: "2026-03-02", to: "2026-03-02", tz: "UTC" });
  assert.equal(report.topContacts.length, TOP_CONTACTS);
  assert.deepEqual(report.topContacts.slice(0, 4).map((c) => [c.party.displayName, c.calls]), [
    ["P3", 5],
    ["P7", 2],
    ["P0", 2],
    ["P1", 2],
  ]);
  assert.deepEqual(report.topContacts[0], {
    party: party(3),
    calls: 5,
    answered: 5,
    talkSeconds: 50,
  });
});

import assert from "node:assert/strict";
import { AnalyticsReportSchema } from "../../../shared/analytics-api.ts";
import { createTestApp } from "../../testing/app.ts";
import { call } from "../../store/testing/calls.ts";

type Kit = ReturnType<typeof createTestApp>;

async function get(kit: Kit, path: string, cookie?: string) {
  return await kit.app.request(path, { headers: cookie ? { cookie } : {} });
}

/** Two signed-in people and the parties of their calls. */
async function people(kit: Kit) {
  const alice = await kit.signup("alice@example.test", "Alice");
  const bob = await kit.signup("bob@example.test", "Bob");
  const a = (await kit.services.store.findUserByEmail("alice@example.test"))!;
  const b = (await kit.services.store.findUserByEmail("bob@example.test"))!;
  return {
    cookies: { alice, bob },
    alice: [a.id, a.care4wId, a.displayName] as [string, string, string],
    bob: [b.id, b.care4wId, b.displayName] as [string, string, string],
  };
}

Deno.test("analytics: sign-in required; zeros, never missing fields, without calls", async () => {
  const kit = createTestApp();
  try {
    const unsigned = await get(kit, "/api/analytics");
    assert.equal(unsigned.status, 401);
    assert.equal(unsigned.headers.get("content-type"), "application/problem+json");
    const { cookies } = await people(kit);
    const response = await get(kit, "/api/analytics?from=2026-01-01&to=2026-01-31", cookies.alice);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "private, no-store");
    const report = AnalyticsReportSchema.parse(await response.json());
    assert.deepEqual(Object.values(report.totals), new Array(13).fill(0));
    assert.equal(report.series.length, 31);
    assert.deepEqual(report.series[0], {
      date: "2026-01-01",
      calls: 0,
      answered: 0,
      missed: 0,
      talkSeconds: 0,
      minutes: 0,
    });
    assert.equal(report.outcomes.length, 8);
    assert.deepEqual(report.topContacts, []);
    // Without a period: the 30 days up to today.
    const recent = AnalyticsReportSchema.parse(
      await (await get(kit, "/api/analytics", cookies.alice)).json(),
    );
    assert.equal(recent.series.length, 30);
    assert.equal(recent.period.tz, "UTC");
  } finally {
    await kit.close();
  }
});

Deno.test("analytics: impossible dates, unknown zones and long periods are 400s", async () => {
  const kit = createTestApp();
  try {
    const { cookies } = await people(kit);
    for (
      const [query, field] of [
        ["from=2026-02-30&to=2026-03-01", "from"],
        ["from=2026-1-1&to=2026-03-01", "from"],
        ["from=yesterday&to=2026-03-01", "from"],
        ["from=2026-03-01&to=2026-03-01&tz=Mars/Olympus", "tz"],
        ["from=2026-03-02&to=2026-03-01", "from"],
        ["from=2025-01-01&to=2026-01-02", "to"],
        ["from=2026-03-01&to=2026-03-01&scope=everyone", "scope"],
        ["from=2026-03-01&to=2026-03-01&extra=1", "(root)"],
      ]
    ) {
      const response = await get(kit, `/api/analytics?${query}`, cookies.alice);
      assert.equal(response.status, 400, query);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
      const body = await response.json();
      assert.ok(body.errors.some((e: { field: string }) => e.field === field), query);
    }
    const leap = await get(kit, "/api/analytics?from=2024-01-01&to=2024-12-31", cookies.alice);
    assert.equal(leap.status, 200, "a leap year is 366 days");
  } finally {
    await kit.close();
  }
});

Deno.test("analytics: only the user's calls, in their zone; the organisation only for admins", async () => {
  const kit = createTestApp();
  try {
    const { cookies, alice, bob } = await people(kit);
    // Before Bob's first request: sessions may cache who someone is for a while.
    await kit.promote("bob@example.test");
    const store = kit.services.store;
    const carol: [string, string, string] = ["u-carol", "care4w-1009999", "Carol"];
    // Minutes from 2026-03-01T09:00Z. 2026-03-29 00:30Z is 00:30 GMT; 01:30Z is 02:30 BST.
    const dst = (id: string, iso: string) => {
      const at = new Date(iso);
      return call(id, alice, bob, 0, {
        startedAt: at,
        answeredAt: new Date(at.getTime() + 5_000),
        endedAt: new Date(at.getTime() + 125_000),
        durationSeconds: 120,
      });
    };
    for (
      const c of [
        dst("d1", "2026-03-29T00:30:00Z"),
        dst("d2", "2026-03-29T01:30:00Z"),
        call("c3", bob, alice, 60, { status: "missed", answeredAt: null, durationSeconds: 0 }),
        call("c4", bob, carol, 90),
      ]
    ) await store.insertCall(c);
    const path = "/api/analytics?from=2026-03-01&to=2026-03-31&tz=Europe/London";
    const mine = AnalyticsReportSchema.parse(await (await get(kit, path, cookies.alice)).json());
    assert.deepEqual(
      [mine.totals.calls, mine.totals.made, mine.totals.received, mine.totals.missed],
      [3, 2, 1, 1],
    );
    assert.equal(mine.totals.talkSeconds, 240);
    assert.equal(mine.totals.answerRate, 0.6667);
    const dstDay = mine.series.find((d) => d.date === "2026-03-29")!;
    assert.deepEqual([dstDay.calls, dstDay.minutes], [2, 4]);
    assert.deepEqual([mine.hours[0].calls, mine.hours[1].calls, mine.hours[2].calls], [1, 0, 1]);
    // 2026-03-29 is a Sunday.
    assert.equal(mine.heatmap[6][2], 1);
    assert.deepEqual(mine.topContacts.map((c) => [c.party.displayName, c.calls]), [["Bob", 3]]);

    const organisation = `${path}&scope=organisation`;
    assert.equal((await get(kit, organisation, cookies.alice)).status, 403);
    const all = AnalyticsReportSchema.parse(
      await (await get(kit, organisation, cookies.bob)).json(),
    );
    assert.equal(all.scope, "organisation");
    assert.equal(all.totals.calls, 4);
  } finally {
    await kit.close();
  }
});

Deno.test("analytics export: the period's own history as CSV, safe for spreadsheets", async () => {
  const kit = createTestApp();
  try {
    const { cookies, alice, bob } = await people(kit);
    const evil: [string, string, string] = ["u-evil", "care4w-1008888", '=HYPERLINK("x","y")'];
    const store = kit.services.store;
    await store.insertCall(call("e1", alice, evil, 10));
    await store.insertCall(call("e2", alice, bob, 20, { status: "declined", durationSeconds: 0 }));
    await store.insertCall({
      ...call("e3", alice, bob, 30),
      calleeUserId: null,
      calleeCare4wId: null,
      calleePhone: "+447700900123",
      calleeName: "+447700900123",
    });
    await store.insertCall(call("e4", bob, evil, 40));
    await store.insertCall(call("e5", alice, bob, 60 * 24 * 40));
    const path = "/api/analytics/export.csv?from=2026-03-01&to=2026-03-31&tz=Europe/London";
    assert.equal((await get(kit, path)).status, 401);
    const response = await get(kit, path, cookies.alice);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/csv; charset=utf-8");
    assert.match(
      response.headers.get("content-disposition")!,
      /attachment; filename="careflow-calls-2026-03-01-to-2026-03-31.csv"/,
    );
    const lines = (await response.text()).split("\r\n");
    assert.equal(lines.length, 5, "header, three calls, and the final line break");
    assert.match(lines[0], /^"started_at","local_time","direction","status"/);
    assert.equal(
      lines[1],
      `"2026-03-01T09:10:00.000Z","2026-03-01 09:10:00","outbound","completed","webrtc",` +
        `"'=HYPERLINK(""x"",""y"")","care4w-1008888","60","2026-03-01T09:10:05.000Z",` +
        `"2026-03-01T09:11:05.000Z",""`,
    );
    assert.match(lines[2], /"declined"/);
    assert.match(lines[3], /"'\+447700900123","'\+447700900123"/);
    const bad = await get(kit, "/api/analytics/export.csv?from=2026-02-31", cookies.alice);
    assert.equal(bad.status, 400);
  } finally {
    await kit.close();
  }
});

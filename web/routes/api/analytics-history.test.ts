/**
 * "Numbers agree exactly with the history": 10,000 calls of every mode and status go in through
 * the store; the whole history is read back page by page over HTTP (`GET /api/calls/history`)
 * and every figure is recomputed here, with nothing of the analytics code, then compared with
 * `GET /api/analytics` for the same period and zone.
 */
import assert from "node:assert/strict";
import type { CallView, HistoryPage } from "../../../shared/api.ts";
import { AnalyticsReportSchema } from "../../../shared/analytics-api.ts";
import { createTestApp } from "../../testing/app.ts";
import { seedCalls, seedContacts } from "../../store/testing/analytics-seed.ts";

const TZ = "Europe/London";
const FROM = "2026-03-02";
const TO = "2026-04-30";

/** The whole history of the signed-in user, newest first, as the API pages it. */
async function history(app: ReturnType<typeof createTestApp>["app"], cookie: string) {
  const calls: CallView[] = [];
  for (let page = 1;; page++) {
    const response = await app.request(`/api/calls/history?limit=100&page=${page}`, {
      headers: { cookie },
    });
    assert.equal(response.status, 200);
    const body: HistoryPage = await response.json();
    calls.push(...body.calls);
    if (page >= body.pagination.totalPages) return { calls, total: body.pagination.total };
  }
}

/** The figures, from the history alone: local date and hour by Intl, then plain counting. */
function figures(calls: CallView[]) {
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: TZ,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
  });
  const days = new Map<string, { calls: number; answered: number; missed: number; talk: number }>();
  const hours = new Array(24).fill(0);
  const contacts = new Map<string, number>();
  const statuses: Record<string, number> = {};
  const totals = { calls: 0, made: 0, received: 0, talkSeconds: 0, longestSeconds: 0 };
  for (const call of calls) {
    const parts = Object.fromEntries(
      format.formatToParts(new Date(call.startedAt)).map((p) => [p.type, p.value]),
    );
    const date = `${parts.year}-${parts.month}-${parts.day}`;
    if (date < FROM || date > TO) continue;
    const answered = call.status === "completed";
    const day = days.get(date) ?? { calls: 0, answered: 0, missed: 0, talk: 0 };
    day.calls++;
    day.answered += answered ? 1 : 0;
    day.missed += call.status === "missed" ? 1 : 0;
    day.talk += answered ? call.duration : 0;
    days.set(date, day);
    hours[Number(parts.hour)]++;
    const other = call.otherParty;
    const contact = other.care4wId ?? other.phone ?? other.displayName;
    contacts.set(contact, (contacts.get(contact) ?? 0) + 1);
    statuses[call.status] = (statuses[call.status] ?? 0) + 1;
    totals.calls++;
    totals[call.direction === "outbound" ? "made" : "received"]++;
    if (answered) totals.talkSeconds += call.duration;
    if (answered) totals.longestSeconds = Math.max(totals.longestSeconds, call.duration);
  }
  return { days, hours, contacts, statuses, totals };
}

Deno.test("analytics agree exactly with the history of 10,000 mixed calls", async () => {
  const kit = createTestApp();
  try {
    const cookie = await kit.signup("counted@example.test", "Counted");
    const user = (await kit.services.store.findUserByEmail("counted@example.test"))!;
    const me = { userId: user.id, care4wId: user.care4wId, phone: null, name: user.displayName };
    const seeded = seedCalls({
      count: 10_000,
      me,
      contacts: seedContacts(40, 80),
      start: Date.UTC(2026, 1, 25),
      days: 70,
    });
    for (const call of seeded) await kit.services.store.insertCall(call);
    const { calls, total } = await history(kit.app, cookie);
    assert.equal(calls.length, total);
    assert.ok(total > 8_000, "most seeded calls are the user's");
    const expected = figures(calls);

    const response = await kit.app.request(`/api/analytics?from=${FROM}&to=${TO}&tz=${TZ}`, {
      headers: { cookie },
    });
    assert.equal(response.status, 200);
    const report = AnalyticsReportSchema.parse(await response.json());
    const { totals } = report;
    assert.ok(totals.calls > 7_000 && totals.calls < total, "the period cuts the history");
    assert.deepEqual(
      {
        calls: totals.calls,
        made: totals.made,
        received: totals.received,
        talkSeconds: totals.talkSeconds,
        longestSeconds: totals.longestSeconds,
      },
      expected.totals,
    );
    const status = (name: string) => expected.statuses[name] ?? 0;
    assert.equal(totals.answered, status("completed"));
    assert.equal(totals.missed, status("missed"));
    assert.equal(totals.declined, status("declined"));
    assert.equal(totals.failed, status("failed"));
    assert.equal(totals.voicemails, status("voicemail"));
    assert.equal(totals.averageSeconds, Math.round(totals.talkSeconds / totals.answered));
    assert.equal(totals.answerRate, Math.round((totals.answered / totals.calls) * 1e4) / 1e4);
    for (const outcome of report.outcomes) assert.equal(outcome.calls, status(outcome.status));
    assert.equal(report.series.length, 60);
    for (const point of report.series) {
      const day = expected.days.get(point.date) ?? { calls: 0, answered: 0, missed: 0, talk: 0 };
      assert.deepEqual(
        [point.calls, point.answered, point.missed, point.talkSeconds],
        [day.calls, day.answered, day.missed, day.talk],
        point.date,
      );
    }
    assert.deepEqual(report.hours.map((h) => h.calls), expected.hours);
    const weekdays = report.weekdays.reduce((n, d) => n + d.calls, 0);
    assert.equal(weekdays, totals.calls);
    assert.equal(report.topContacts[0].calls, Math.max(...expected.contacts.values()));
    for (const { party, calls } of report.topContacts) {
      assert.equal(
        calls,
        expected.contacts.get(party.care4wId ?? party.phone ?? party.displayName),
      );
    }
    // The spring-forward day has no 01:00 in London.
    assert.equal(report.series.find((d) => d.date === "2026-03-29")!.calls > 0, true);
  } finally {
    await kit.close();
  }
});

/**
 * Missed calls stay visible (issue 14): a call someone missed puts a count on History in the
 * navigation, on every section; opening History clears it for this browser, and a later missed
 * call brings it back.
 */
import assert from "node:assert/strict";
import type { CallRecord } from "../calls/rules.ts";
import { createTestApp } from "../testing/app.ts";

function missed(id: string, calleeId: string, at: Date): CallRecord {
  return {
    id,
    mode: "webrtc",
    status: "missed",
    callerUserId: null,
    callerCare4wId: "care4w-1000009",
    callerPhone: null,
    callerName: "Ada Lovelace",
    calleeUserId: calleeId,
    calleeCare4wId: "care4w-1000001",
    calleePhone: null,
    calleeName: "Ann Carer",
    startedAt: new Date(at.getTime() - 45_000),
    answeredAt: null,
    endedAt: at,
    durationSeconds: 0,
    recordedBy: null,
    hangupCause: null,
    transferredBy: null,
    transferredTo: null,
    quality: null,
  };
}

/** The History entry's badge text on a dashboard page, or null. */
function historyBadge(html: string): string | null {
  const entry = /<a href="\/dashboard\/history"[^>]*>History(.*?)<\/a>/.exec(html)?.[1] ?? "";
  return /\((\d+ missed)\)/.exec(entry)?.[1] ?? null;
}

Deno.test("a missed call shows on History until History is opened", async () => {
  const t = createTestApp();
  try {
    const cookie = await t.signup("ann@example.org", "Ann Carer");
    const userId = (await t.services.store.findUserByEmail("ann@example.org"))!.id;
    await t.services.store.insertCall(missed(crypto.randomUUID(), userId, new Date()));

    for (const path of ["/dashboard", "/dashboard/settings"]) {
      const html = await (await t.app.request(path, { headers: { cookie } })).text();
      assert.equal(historyBadge(html), "1 missed", path);
    }
    const history = await t.app.request("/dashboard/history", { headers: { cookie } });
    assert.equal(historyBadge(await history.text()), null, "not on History itself");
    const seen = history.headers.getSetCookie().find((c) => c.startsWith("cf_history_seen="));
    assert.ok(seen, "History marks the calls seen");
    const both = `${cookie}; ${seen!.split(";")[0]}`;
    const after = await (await t.app.request("/dashboard", { headers: { cookie: both } })).text();
    assert.equal(historyBadge(after), null, "cleared once seen");

    // Rung after History was opened.
    const later = new Date(Date.now() + 60_000);
    await t.services.store.insertCall(missed(crypto.randomUUID(), userId, later));
    const again = await (await t.app.request("/dashboard", { headers: { cookie: both } })).text();
    assert.equal(historyBadge(again), "1 missed", "a new missed call counts again");
  } finally {
    await t.close();
  }
});

/**
 * `/metrics`: only for a scraper with the token, in Prometheus's text format, counting requests by
 * route pattern, failed sign-ins, and calls as they are really written (a retried webhook counts
 * once), with the lag of records arriving from the switch.
 */
import assert from "node:assert/strict";
import { openSqliteStore } from "../store/sqlite/mod.ts";
import { createTestApp, jsonPost, type TestApp } from "../testing/app.ts";
import { signedPost, TWILIO_ENV } from "../testing/twilio.ts";
import { countingCalls } from "./counted-store.ts";
import { createWebMetrics } from "./mod.ts";

const TOKEN = "a-metrics-token-of-some-length";
const scrape = async (t: TestApp, token = TOKEN) =>
  await t.app.request("/metrics", { headers: { authorization: `Bearer ${token}` } });
const sample = (text: string, series: string) =>
  Number(text.split("\n").find((line) => line.startsWith(`${series} `))?.split(" ")[1] ?? NaN);

Deno.test("without METRICS_TOKEN there is no /metrics; with it, only the token opens it", async () => {
  const off = createTestApp();
  assert.equal((await off.app.request("/metrics")).status, 404);
  await off.close();
  const t = createTestApp({ METRICS_TOKEN: TOKEN });
  try {
    assert.equal((await t.app.request("/metrics")).status, 401);
    assert.equal((await scrape(t, "a-wrong-token-of-same-lengthx")).status, 401);
    const ok = await scrape(t);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get("content-type") ?? "", /^text\/plain/);
    assert.match(await ok.text(), /process_resident_memory_bytes/);
  } finally {
    await t.close();
  }
});

Deno.test("requests are counted by route pattern and status; failed sign-ins are counted", async () => {
  const t = createTestApp({ METRICS_TOKEN: TOKEN });
  try {
    const cookie = await t.signup("ann@example.org", "Ann Carer");
    for (let i = 0; i < 3; i++) {
      await (await t.app.request("/api/users/lookup?care4wId=care4w-1000001", {
        headers: { cookie },
      }))
        .body?.cancel();
    }
    await (await t.app.request("/no/such/page/123")).body?.cancel();
    const wrong = { email: "ann@example.org", password: "not the password" };
    await (await t.app.request("/api/auth/login", jsonPost(wrong))).body?.cancel();
    const text = await (await scrape(t)).text();
    assert.equal(
      sample(
        text,
        'careflow_http_requests_total{route="/api/users/lookup",method="GET",status="200"}',
      ),
      3,
    );
    assert.equal(
      sample(text, 'careflow_http_requests_total{route="unmatched",method="GET",status="404"}'),
      1,
    );
    assert.doesNotMatch(text, /no\/such\/page/, "paths never become labels");
    const bogus = await t.app.request("/api/users/lookup", { method: "BREW" });
    await bogus.body?.cancel();
    const after = await (await scrape(t)).text();
    assert.doesNotMatch(after, /method="BREW"/, "methods a client makes up never become labels");
    assert.match(after, /careflow_http_requests_total\{route="[^"]+",method="OTHER"/);
    assert.equal(sample(text, "careflow_login_failures_total"), 1);
    assert.match(text, /careflow_http_request_duration_seconds_bucket\{le="0.005",route=/);
  } finally {
    await t.close();
  }
});

Deno.test("a call is counted once when it is written, however often Twilio reports it", async () => {
  const t = createTestApp({ ...TWILIO_ENV, METRICS_TOKEN: TOKEN });
  try {
    await t.signup("ann@example.org", "Ann Carer");
    const path =
      "/api/webhooks/twilio/status?direction=outbound&user=care4w-1000001&phone=%2B447700900123";
    const params = {
      CallSid: `CA${"e".repeat(32)}`,
      DialCallStatus: "completed",
      DialCallDuration: "9",
    };
    for (let i = 0; i < 2; i++) {
      await (await t.app.request(path, signedPost(path, params))).body?.cancel();
    }
    const text = await (await scrape(t)).text();
    assert.equal(sample(text, 'careflow_calls_total{mode="twilio",outcome="completed"}'), 1);
  } finally {
    await t.close();
  }
});

Deno.test("records arriving from the switch are counted with how late they came", async () => {
  const metrics = createWebMetrics();
  const now = new Date("2026-03-01T10:00:05Z");
  const store = countingCalls(openSqliteStore(":memory:"), metrics, () => now);
  try {
    const call = {
      id: "call-1",
      mode: "sip",
      status: "completed",
      callerUserId: null,
      callerCare4wId: null,
      callerPhone: "+447700900123",
      callerName: "+447700900123",
      calleeUserId: null,
      calleeCare4wId: null,
      calleePhone: "+447700900124",
      calleeName: "+447700900124",
      startedAt: new Date("2026-03-01T09:59:00Z"),
      answeredAt: new Date("2026-03-01T09:59:00Z"),
      endedAt: new Date("2026-03-01T10:00:00Z"),
      durationSeconds: 60,
      recordedBy: null,
      hangupCause: null,
      transferredBy: null,
      transferredTo: null,
      quality: null,
    } as const;
    const write = { id: "event-1", type: "cdr", at: now, call };
    assert.deepEqual(await store.applyEvents([write]), ["applied"]);
    assert.deepEqual(await store.applyEvents([write]), ["duplicate"]);
    const text = await metrics.registry.metrics();
    assert.equal(sample(text, 'careflow_calls_total{mode="sip",outcome="completed"}'), 1);
    assert.equal(sample(text, "careflow_ingest_lag_seconds_count"), 1);
    assert.equal(sample(text, "careflow_ingest_lag_seconds_sum"), 5);
  } finally {
    await store.close();
  }
});

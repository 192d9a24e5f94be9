/**
 * Analytics speed (`deno task bench:analytics`): 100,000 calls of one user (a year, every mode
 * and status) plus others' calls in a temporary SQLite file, then, over the real app
 * (`app.request`, session and validation included), `GET /api/analytics` for the year in
 * Europe/London 20 times: p50 and max against the 200 ms target. For comparison, one page of
 * the history (`GET /api/calls/history`) and the organisation's report as an admin.
 */
import { createTestApp } from "../../web/testing/app.ts";
import { openSqliteStore } from "../../web/store/sqlite/mod.ts";
import { openDb } from "../../web/store/sqlite/db.ts";
import { sqliteCalls } from "../../web/store/sqlite/calls.ts";
import { seedCalls, seedContacts } from "../../web/store/testing/analytics-seed.ts";

const CALLS = Number(Deno.args[0] ?? "100000");
const RUNS = 20;
const TARGET_MS = 200;

const dir = await Deno.makeTempDir({ prefix: "careflow-bench-analytics-" });
const store = openSqliteStore(`${dir}/careflow.sqlite`);
const kit = createTestApp({}, { store });

/** p50 and max of `RUNS` timed requests (after one warm-up), failing on any non-200. */
async function time(path: string, cookie: string) {
  const samples: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const started = performance.now();
    const response = await kit.app.request(path, { headers: { cookie } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    if (i > 0) samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length / 2)], max: samples[samples.length - 1] };
}

try {
  const cookie = await kit.signup("bench@example.test", "Bench User");
  await kit.promote("bench@example.test");
  const user = (await store.findUserByEmail("bench@example.test"))!;
  const me = { userId: user.id, care4wId: user.care4wId, phone: null, name: user.displayName };
  const started = performance.now();
  const calls = seedCalls({
    count: CALLS,
    me,
    contacts: seedContacts(150, 300),
    start: Date.UTC(2025, 0, 1),
    days: 365,
  });
  // The store's own insert (rollup triggers and all), in one transaction on a second connection
  // to the same file: one commit instead of 100,000.
  const writer = openDb(`${dir}/careflow.sqlite`);
  const insert = sqliteCalls(writer);
  writer.transaction(() => calls.forEach((call) => insert.insertCall(call)));
  writer.raw.close();
  const mine = (await store.listCallsForUser(user.id, { page: 1, limit: 1 })).total;
  console.log(
    `seeded ${CALLS} calls (${mine} in the user's history) in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s`,
  );
  const year = "from=2025-01-01&to=2025-12-31&tz=Europe/London";
  const rows: [string, { p50: number; max: number }][] = [
    ["GET /api/analytics (a year, Europe/London)", await time(`/api/analytics?${year}`, cookie)],
    [
      "GET /api/analytics (a year, Asia/Kathmandu, +05:45)",
      await time("/api/analytics?from=2025-01-01&to=2025-12-31&tz=Asia/Kathmandu", cookie),
    ],
    [
      "GET /api/analytics (30 days)",
      await time("/api/analytics?from=2025-06-01&to=2025-06-30&tz=Europe/London", cookie),
    ],
    [
      "GET /api/analytics scope=organisation (a year)",
      await time(`/api/analytics?${year}&scope=organisation`, cookie),
    ],
    ["GET /api/calls/history (one page of 20)", await time("/api/calls/history", cookie)],
  ];
  console.log(`\n${RUNS} runs each, milliseconds (target: analytics p50 and max < ${TARGET_MS})`);
  for (const [name, { p50, max }] of rows) {
    console.log(
      `${name.padEnd(56)} p50 ${p50.toFixed(1).padStart(7)}  max ${max.toFixed(1).padStart(7)}`,
    );
  }
  const { max } = rows[0][1];
  console.log(max < TARGET_MS ? `\nOK: under ${TARGET_MS} ms` : `\nSLOW: over ${TARGET_MS} ms`);
} finally {
  await kit.close();
  await Deno.remove(dir, { recursive: true });
}

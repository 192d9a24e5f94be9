/**
 * Outbox benchmark: CDR events from the agent's outbox into the real web app, measured side by
 * side in one run (each web run on a fresh SQLite folder, all on loopback, one Redis with AOF):
 * - straight signed POSTs into web, no outbox (web's own ceiling);
 * - through the outbox into web;
 * - through the outbox with web SIGKILLed at 40% and restarted: events/s over the whole burst,
 *   0 lost and 0 duplicated read from web's SQLite file;
 * - through the outbox into a bare receiver in its own process (the outbox's own ceiling).
 *
 *   bun run bench/outbox/main.ts [--events 20000] [--batch 100] [--lanes 2] [--fsync everysec]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
import { startProcess } from "../../testing/process.ts";
import { startRedis } from "../../testing/redis.ts";
import { createRedisClient } from "../../agent/src/redis/client.ts";
import { startWebProcess, type WebProcess } from "../../agent/src/outbox/testing/web-process.ts";
import { directPosts, type RunOptions, throughOutbox } from "./runs.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "20000" },
    batch: { type: "string", default: "100" },
    lanes: { type: "string", default: "2" },
    fsync: { type: "string", default: "everysec" },
  },
});
const events = Math.min(Math.max(Number(values.events), 1000), 500_000);
const batchSize = Math.min(Math.max(Number(values.batch), 1), 500);
const lanes = Math.min(Math.max(Number(values.lanes), 1), 16);
const fsync = values.fsync === "always" ? "always" : "everysec";
const TARGET = 5000;

const redisDir = mkdtempSync(`${tmpdir()}/careflow-bench-outbox-`);
const redisServer = await startRedis({ appendOnly: true, appendFsync: fsync, dir: redisDir });
const redis = createRedisClient(redisServer.url, () => {});
await redis.connect();
const cleanups: (() => Promise<unknown>)[] = [];

/** A fresh web (own folder) with two users the CDRs name. */
async function freshWeb(): Promise<{ web: WebProcess; options: RunOptions }> {
  const web = await startWebProcess();
  cleanups.push(() => web.stop());
  const [a, b] = await web.signUp(2);
  return { web, options: { events, batchSize, lanes, users: [a, b] } };
}

/** Lost and extra (duplicated under another id) events of a run, from web's store. */
function audit(web: WebProcess, ids: string[]) {
  const stored = web.stored();
  const lost = ids.filter((id) => !stored.ids.has(id)).length;
  return { lost, duplicated: stored.applied - (ids.length - lost), calls: stored.calls };
}

const n = (value: number) => Math.round(value).toLocaleString("en-US");
const x = (value: number) => `${value.toFixed(2)}×`;

try {
  const one = await freshWeb();
  const direct = await directPosts(one.web, "direct", one.options);
  const directAudit = audit(one.web, direct.ids);

  const two = await freshWeb();
  const steady = await throughOutbox(redis, two.web, "steady", two.options);
  const steadyAudit = audit(two.web, steady.ids);

  const three = await freshWeb();
  const killed = await throughOutbox(redis, three.web, "killed", three.options, three.web);
  const killedAudit = audit(three.web, killed.ids);

  const bare = startProcess("receiver", "bun", [
    "run",
    new URL("./bare-receiver.ts", import.meta.url).pathname,
    "bench-bare-secret-0123456789",
  ]);
  cleanups.push(() => bare.stop());
  await bare.waitFor("receiver", () => Promise.resolve(bare.output().includes('"ready"')));
  const bareUrl = JSON.parse(bare.output().trim().split("\n").at(-1)!).url as string;
  const ceiling = await throughOutbox(
    redis,
    { url: bareUrl, secret: "bench-bare-secret-0123456789" },
    "bare",
    one.options,
  );

  console.log(
    `outbox benchmark: ${
      n(events)
    } CDR events per run, batches of ${batchSize}, ${lanes} in flight, ` +
      `Redis AOF appendfsync ${fsync}, loopback`,
  );
  const rows: [string, number, string][] = [
    ["straight signed POSTs into web, no outbox", direct.perSecond, "1.00× (web's ceiling)"],
    [
      "through the outbox into web",
      steady.perSecond,
      `${x(steady.perSecond / direct.perSecond)} of straight`,
    ],
    [
      "through the outbox, web SIGKILLed at 40% + restarted",
      killed.perSecond,
      `${x(killed.perSecond / steady.perSecond)} of no kill`,
    ],
    [
      "through the outbox into a bare receiver",
      ceiling.perSecond,
      `${x(ceiling.perSecond / direct.perSecond)} of straight (outbox ceiling)`,
    ],
  ];
  for (const [what, rate, ratio] of rows) {
    console.log(`  ${what.padEnd(54)} ${n(rate).padStart(7)} events/s  ${ratio}`);
  }
  console.log(
    `  kill run: web down ${killed.downSeconds!.toFixed(2)} s (SIGKILL to listening again), ` +
      `${killed.failures} failed batches retried, ${killed.duplicates} events redelivered and ` +
      `answered duplicate; lost ${killedAudit.lost}, duplicated ${killedAudit.duplicated} ` +
      `(${n(killedAudit.calls)} call rows for ${n(events)} events)`,
  );
  console.log(
    `  audits: straight lost ${directAudit.lost} dup ${directAudit.duplicated}; ` +
      `outbox lost ${steadyAudit.lost} dup ${steadyAudit.duplicated}`,
  );
  const met = killed.perSecond >= TARGET;
  console.log(
    `  target ≥ ${n(TARGET)} events/s into web with the kill: ${met ? "met" : "NOT met"} ` +
      `(${n(killed.perSecond)}; web alone takes ${n(direct.perSecond)})`,
  );
  if (killedAudit.lost || killedAudit.duplicated || steadyAudit.lost || steadyAudit.duplicated) {
    process.exitCode = 1;
  }
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  redis.disconnect();
  await redisServer.stop();
  rmSync(redisDir, { recursive: true, force: true });
}

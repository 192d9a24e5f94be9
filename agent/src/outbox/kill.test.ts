/**
 * KILL TESTS (real processes, about 15 s on 2 cores; needs `deno` and `redis-server`).
 *
 * (a) web (the real app, `bench/outbox/web-server.ts` under Deno, SQLite) SIGKILLed during a
 *     burst of 10,000 CDRs and restarted; (b) the agent's event path (`testing/run-deliverer.ts`:
 *     the agent's Redis client and outbox, appending a burst of 10,000 CDRs and delivering them)
 *     SIGKILLed mid-burst while holding unacknowledged entries, and restarted under another
 *     consumer name (so its entries come back by XAUTOCLAIM) appending again from the last id it
 *     reported stored, as a restarted agent re-reads the CDRs of calls it may not have appended;
 *     (c) Redis with AOF SIGKILLed and restarted while events wait: every append that resolved
 *     is delivered, nothing acknowledged comes back. A control shows (c) fails without AOF.
 * Redis runs with AOF throughout, as the outbox requires.
 * "0 lost, 0 duplicated" is read from web's own SQLite file: exactly the burst's ids in
 * `applied_events` (one row per event id web applied) and as many rows in `calls`.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import type { Redis } from "ioredis";
import { eventually, sleep } from "../../../testing/eventually.ts";
import { startProcess, type TrackedProcess } from "../../../testing/process.ts";
import { type RedisServer, startRedis } from "../../../testing/redis.ts";
import { createRedisClient } from "../redis/client.ts";
import { burst } from "./testing/burst.ts";
import { cdrEvent, eventIds } from "./testing/events.ts";
import { OUTBOX_TEST_SECRET, type TestOutbox, testOutbox } from "./testing/outbox.ts";
import { startReceiver } from "./testing/receiver.ts";
import { startWebProcess, type WebProcess } from "./testing/web-process.ts";

const BURST = 10_000;
const quiet = () => {};
let redisDir: string;
let redisServer: RedisServer;
let redis: Redis;
let web: WebProcess;
let users: string[];

beforeAll(async () => {
  redisDir = mkdtempSync(`${tmpdir()}/careflow-outbox-kill-`);
  redisServer = await startRedis({ dir: redisDir, appendOnly: true });
  redis = createRedisClient(redisServer.url, quiet);
  await redis.connect();
  web = await startWebProcess();
  users = await web.signUp(2);
}, 60_000);
afterAll(async () => {
  redis?.disconnect();
  await web?.stop();
  await redisServer?.stop();
  if (redisDir) rmSync(redisDir, { recursive: true, force: true });
});

async function backlog(outbox: TestOutbox, client = redis) {
  const pending = await client.xpending(outbox.keys.stream, outbox.keys.group) as [number];
  return { depth: await client.xlen(outbox.keys.stream), pending: pending[0] };
}

/**
 * What web's store holds of a burst: ids missing (lost), and rows of the burst (one per id, by
 * web's primary key; a duplicate would have to come back under another id, and would show here
 * as more rows than the burst has).
 */
function storedBurst(ids: string[], before: { applied: number; calls: number }) {
  const stored = web.stored();
  const lost = ids.filter((id) => !stored.ids.has(id)).length;
  return { lost, rows: stored.applied - before.applied, calls: stored.calls - before.calls };
}

const applying = (before: { applied: number }) =>
  eventually("web applying", () => web.stored().applied - before.applied >= 2500, {
    intervalMs: 20,
  });

const drained = (outbox: TestOutbox) =>
  eventually(
    "outbox drained",
    async () => expect(await backlog(outbox)).toEqual({ depth: 0, pending: 0 }),
    { timeoutMs: 40_000 },
  );

test("(a) web SIGKILLed mid-burst of 10,000 and restarted: 0 lost, 0 duplicated", async () => {
  const outbox = testOutbox(redis, web.url, {
    prefix: "kill-a",
    secret: web.secret,
    backoff: { baseMs: 50, maxMs: 1000 },
  });
  const before = web.stored();
  const ids = eventIds("killweb", BURST);
  const started = performance.now();
  await outbox.deliverer.start();
  const producing = burst(outbox.sink, ids, 5000, users);
  await applying(before);
  await web.kill();
  const appliedAtKill = web.stored().applied - before.applied;
  const producedAtKill = producing.resolved.length;
  await sleep(700);
  const failedWhileDown = await outbox.metrics.deliveryFailures.value({ reason: "unreachable" });
  await web.restart();
  await producing.done;
  await drained(outbox);
  const seconds = (performance.now() - started) / 1000;
  await outbox.deliverer.stop();

  expect(producing.rejected.length).toBe(0);
  expect(producing.resolved.length).toBe(BURST);
  expect(appliedAtKill).toBeGreaterThan(0);
  expect(producedAtKill).toBeLessThan(BURST); // killed during the burst, not after it
  expect(failedWhileDown).toBeGreaterThan(0);
  const { lost, rows, calls } = storedBurst(ids, before);
  expect(lost).toBe(0);
  expect(rows).toBe(BURST);
  expect(calls).toBe(BURST);
  expect(await outbox.metrics.deadLettered.value()).toBe(0);
  const duplicates = await outbox.metrics.delivered.value({ result: "duplicate" });
  console.log(
    `(a) web killed at ${appliedAtKill} applied, ${producedAtKill} appended; ${BURST} events ` +
      `in ${seconds.toFixed(1)} s; ${duplicates} redelivered (answered duplicate); lost ${lost}, ` +
      `rows ${rows}, calls ${calls}`,
  );
}, 60_000);

/** The agent's event path as a child, appending `BURST` CDRs under `burstPrefix` from `from`. */
function startAgent(
  prefix: string,
  consumer: string,
  burstPrefix: string,
  from: number,
): Promise<TrackedProcess> {
  const entry = new URL("./testing/run-deliverer.ts", import.meta.url).pathname;
  const proc = startProcess("agent", "bun", ["run", entry], {
    env: {
      REDIS_URL: redisServer.url,
      WEB_URL: web.url,
      INTERNAL_API_SECRET: web.secret,
      OUTBOX_PREFIX: prefix,
      OUTBOX_CONSUMER: consumer,
      OUTBOX_CLAIM_IDLE_MS: "1000",
      BURST_PREFIX: burstPrefix,
      BURST_COUNT: String(BURST),
      BURST_FROM: String(from),
      BURST_RATE: "5000",
      BURST_USERS: users.join(","),
    },
  });
  return proc.waitFor(
    "agent started",
    () => Promise.resolve(proc.output().includes("deliverer started")),
  ).then(() => proc);
}

/** The last `appended-through N` the child printed: every id before N is stored. */
function appendedThrough(proc: TrackedProcess): number {
  const marks = [...proc.output(100_000).matchAll(/^appended-through (\d+)$/gm)];
  return marks.length ? Number(marks[marks.length - 1][1]) : 0;
}

test(
  "(b) the agent SIGKILLed mid-burst holding entries, restarted: 0 lost, 0 duplicated",
  async () => {
    // This process only watches: the child appends and delivers, as the agent does.
    const outbox = testOutbox(redis, null, { prefix: "kill-b" });
    const before = web.stored();
    const ids = eventIds("killagent", BURST);
    const started = performance.now();
    let agent = await startAgent("kill-b", "agent-before", "killagent", 0);
    try {
      await applying(before);
      // Killed while it holds entries read and not acknowledged (a batch at web). Frozen first
      // (SIGSTOP) and looked at again, so the batch seen in flight cannot be acknowledged between
      // the look and the kill.
      for (;;) {
        await eventually("a batch in flight", async () => (await backlog(outbox)).pending > 0, {
          intervalMs: 1,
        });
        process.kill(agent.pid, "SIGSTOP");
        if ((await backlog(outbox)).pending > 0) break;
        process.kill(agent.pid, "SIGCONT");
      }
      process.kill(agent.pid, "SIGKILL");
      await agent.exit;
      const producedAtKill = appendedThrough(agent);
      const killedOutput = agent.output(100_000);
      const heldAtKill = (await backlog(outbox)).pending;
      const appliedAtKill = web.stored().applied - before.applied;
      expect(killedOutput).not.toContain("burst appended"); // killed during the burst
      expect(producedAtKill).toBeLessThan(BURST);
      agent = await startAgent("kill-b", "agent-after", "killagent", producedAtKill);
      await eventually("burst appended", () => agent.output().includes("burst appended"), {
        timeoutMs: 30_000,
      });
      expect(agent.output(100_000)).not.toContain("appends refused");
      await drained(outbox);
      const seconds = (performance.now() - started) / 1000;
      expect(heldAtKill).toBeGreaterThan(0);
      const consumers = await redis.xinfo(
        "CONSUMERS",
        outbox.keys.stream,
        outbox.keys.group,
      ) as unknown[][];
      expect(consumers.find((c) => c[1] === "agent-before")?.[3]).toBe(0); // its pending, claimed
      const { lost, rows, calls } = storedBurst(ids, before);
      expect(lost).toBe(0);
      expect(rows).toBe(BURST);
      expect(calls).toBe(BURST);
      expect(await redis.xlen(outbox.keys.deadLetters)).toBe(0);
      console.log(
        `(b) agent killed holding ${heldAtKill} unacknowledged at ${appliedAtKill} applied, ` +
          `${producedAtKill} known appended; restarted appending from there; ${BURST} events ` +
          `in ${seconds.toFixed(1)} s; lost ${lost}, rows ${rows}, calls ${calls}`,
      );
    } finally {
      await agent.stop();
    }
  },
  60_000,
);

/**
 * Appends `delivered` events and lets them be confirmed, then appends `queued` more while web
 * fails, SIGKILLs Redis (no shutdown, no final AOF flush) in the middle of that and starts it
 * again on the same folder and port, then lets web answer again.
 */
async function redisRestart(appendOnly: boolean, queued: number, delivered: number) {
  const dir = mkdtempSync(`${tmpdir()}/careflow-outbox-aof-`);
  const options = { dir, appendOnly, appendFsync: "always" as const };
  let server = await startRedis(options);
  const client = createRedisClient(server.url, quiet);
  await client.connect();
  const receiver = startReceiver(OUTBOX_TEST_SECRET);
  const outbox = testOutbox(client, receiver.url, {
    prefix: "aof",
    backoff: { baseMs: 20, maxMs: 300 },
  });
  try {
    await outbox.deliverer.start();
    const early = eventIds("aofearly", delivered);
    for (const id of early) await outbox.sink.append(cdrEvent(id));
    await Promise.all(early.map((id) => outbox.sink.delivered(id, 10_000)));
    receiver.failWith(503); // web down: what comes next waits in the outbox
    const producing = burst(outbox.sink, eventIds("aoflate", queued), 2000);
    await sleep(queued / 4);
    process.kill(server.process.pid, "SIGKILL");
    await server.process.exit;
    await sleep(300);
    server = await startRedis({ ...options, port: server.port });
    await producing.done;
    const { resolved, rejected } = producing;
    receiver.failWith(null);
    await eventually(
      "resolved ones delivered",
      () => resolved.every((id) => receiver.applied.has(id)),
      {
        timeoutMs: appendOnly ? 20_000 : 2_000,
      },
    ).catch(() => {});
    const lost = resolved.filter((id) => !receiver.applied.has(id)).length;
    const redelivered = early.filter((id) => receiver.received.filter((r) => r === id).length > 1);
    const confirmations = await Promise.all(
      early.slice(0, 20).map((id) => outbox.sink.delivered(id, 1000).then(() => true, () => false)),
    );
    return {
      resolved: resolved.length,
      rejected: rejected.length,
      lost,
      redelivered: redelivered.length,
      confirmationsKept: confirmations.every(Boolean),
    };
  } finally {
    await outbox.deliverer.stop();
    client.disconnect();
    await receiver.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test(
  "(c) Redis with AOF SIGKILLed and restarted: every resolved append delivered, no ack lost",
  async () => {
    const r = await redisRestart(true, 2000, 500);
    expect(r.rejected).toBeGreaterThan(0); // appends while Redis was down were refused, not dropped
    expect(r.resolved).toBeGreaterThan(0);
    expect(r.lost).toBe(0);
    expect(r.redelivered).toBe(0); // acknowledgements survived: confirmed events not sent again
    expect(r.confirmationsKept).toBe(true); // delivered() still answers for them
    console.log(
      `(c) AOF: ${r.resolved} appends resolved, ${r.rejected} refused while Redis was down; ` +
        `lost ${r.lost}, redelivered ${r.redelivered}`,
    );
  },
  40_000,
);

test(
  "(c, control) the same restart without AOF loses what was appended: (c) can fail",
  async () => {
    const r = await redisRestart(false, 400, 50);
    expect(r.lost).toBeGreaterThan(0);
    console.log(`(c, control) no AOF: ${r.lost} of ${r.resolved} resolved appends lost`);
  },
  40_000,
);

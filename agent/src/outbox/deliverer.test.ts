/**
 * The deliverer on a real Redis against a real HTTP receiver that checks signatures and answers
 * like web: batches, acknowledgement only of confirmed events, retries while web fails, refused
 * events dead-lettered after a few tries, "send it again" never dead-lettered, and entries a
 * dead deliverer held taken back (own restart, XAUTOCLAIM).
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { eventually } from "../../../testing/eventually.ts";
import { startTestRedis, type TestRedis } from "../testing/redis-server.ts";
import { EventDeadLetteredError } from "./redis-sink.ts";
import { cdrEvent, eventIds } from "./testing/events.ts";
import { OUTBOX_TEST_SECRET, type TestOutbox, testOutbox } from "./testing/outbox.ts";
import { type Receiver, startReceiver } from "./testing/receiver.ts";

let redis: TestRedis;
let web: Receiver;
const running: TestOutbox[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
});
afterEach(async () => {
  for (const outbox of running.splice(0)) await outbox.deliverer.stop();
  await web?.stop();
});
afterAll(async () => await redis.stop());

function started(options: Parameters<typeof testOutbox>[2] = {}): TestOutbox {
  web = startReceiver(OUTBOX_TEST_SECRET);
  const outbox = testOutbox(redis.client, web.url, options);
  running.push(outbox);
  return outbox;
}

async function appendAll(outbox: TestOutbox, ids: string[]) {
  for (const id of ids) await outbox.sink.append(cdrEvent(id));
}

/** What a consumer that dies before acknowledging leaves: up to `count` entries read as `consumer`. */
async function readWithoutAck(outbox: TestOutbox, consumer: string, count: number) {
  await redis.client.xgroup("CREATE", outbox.keys.stream, outbox.keys.group, "0");
  await redis.client.xreadgroup(
    "GROUP",
    outbox.keys.group,
    consumer,
    "COUNT",
    count,
    "STREAMS",
    outbox.keys.stream,
    ">",
  );
}

/** Undelivered entries, and entries handed out but not acknowledged. */
async function backlog(outbox: TestOutbox) {
  const pending = await redis.client.xpending(outbox.keys.stream, outbox.keys.group) as [number];
  return { depth: await redis.client.xlen(outbox.keys.stream), pending: pending[0] };
}

test("delivers signed batches of batchSize and forgets each event only once web confirmed it", async () => {
  const outbox = started();
  const ids = eventIds("batch", 250);
  await appendAll(outbox, ids);
  await outbox.deliverer.start();
  await Promise.all(ids.map((id) => outbox.sink.delivered(id, 5000)));
  expect([...web.applied.values()].every((n) => n === 1)).toBe(true);
  expect(web.applied.size).toBe(250);
  expect(web.unsigned).toBe(0);
  expect(Math.max(...web.batches)).toBeLessThanOrEqual(100);
  expect(web.batches.length).toBeGreaterThanOrEqual(3);
  await eventually(
    "stream empty",
    async () => expect(await backlog(outbox)).toEqual({ depth: 0, pending: 0 }),
  );
  expect(await redis.client.get(outbox.keys.done(ids[0]))).toBe("ok");
  expect(await redis.client.ttl(outbox.keys.done(ids[0]))).toBeGreaterThan(3600);
  expect(await outbox.metrics.delivered.value({ result: "new" })).toBe(250);
  await outbox.sample();
  expect(outbox.metrics.depth.get()).toBe(0);
  expect(outbox.metrics.oldestAge.get()).toBe(0);
});

test("an append wakes the deliverer of its process: no wait for the idle poll", async () => {
  const outbox = started({ pollMs: 5000 });
  await outbox.deliverer.start();
  await Bun.sleep(100); // the lanes found nothing and sleep for 5 s
  const before = Date.now();
  await outbox.sink.append(cdrEvent("wake-00000001"));
  await outbox.sink.delivered("wake-00000001", 3000);
  expect(Date.now() - before).toBeLessThan(1000);
});

test("while web fails nothing is acknowledged; retries back off, then every event lands once", async () => {
  const outbox = started({ backoff: { baseMs: 50, maxMs: 400 } });
  web.failWith(503);
  const ids = eventIds("down", 120);
  await appendAll(outbox, ids);
  await outbox.deliverer.start();
  await Bun.sleep(1200);
  expect(web.applied.size).toBe(0);
  expect(await backlog(outbox)).toEqual({ depth: 120, pending: 120 });
  const failures = await outbox.metrics.deliveryFailures.value({ reason: "status" });
  // Two lanes, retrying at most every 400 ms (jittered below it): a few per lane, not hundreds.
  expect(failures).toBeGreaterThanOrEqual(3);
  expect(failures).toBeLessThan(60);
  await outbox.sample();
  expect(outbox.metrics.depth.get()).toBe(120);
  expect(outbox.metrics.oldestAge.get()).toBeGreaterThanOrEqual(1);
  expect(await outbox.registry.render()).toContain(
    "# TYPE careflow_agent_outbox_depth gauge\ncareflow_agent_outbox_depth 120",
  );
  expect(await outbox.registry.render()).not.toContain("careflow_agent_outbox_depth counter");
  expect(outbox.warnings.filter((w) => w.includes("delivery failed")).length).toBe(1);

  web.failWith(null);
  await eventually("all applied", () => expect(web.applied.size).toBe(120));
  await eventually("stream empty", async () => expect((await backlog(outbox)).depth).toBe(0));
  expect([...web.applied.values()].every((n) => n === 1)).toBe(true);
  expect(outbox.warnings.some((w) => w.includes("delivery restored"))).toBe(true);
});

test("duplicate answers count as confirmed: acknowledged, not retried", async () => {
  const outbox = started();
  const ids = eventIds("dup", 10);
  await appendAll(outbox, ids);
  for (const id of ids.slice(0, 4)) web.applied.set(id, 1); // web applied them in an earlier life
  await outbox.deliverer.start();
  await Promise.all(ids.map((id) => outbox.sink.delivered(id, 5000)));
  expect(await outbox.metrics.delivered.value({ result: "duplicate" })).toBe(4);
  expect(await outbox.metrics.delivered.value({ result: "new" })).toBe(6);
  expect(web.received.length).toBe(10);
});

test("a refused event is retried maxRefusals times, then dead-lettered; it blocks no other", async () => {
  const outbox = started({ maxRefusals: 3, claimIdleMs: 100 });
  web.judge((
    id,
  ) => (id === "refuse-000002"
    ? { refuse: "nobody has the CareFlow ID care4w-1999999" }
    : "apply")
  );
  const ids = eventIds("refuse", 5);
  await appendAll(outbox, ids);
  await outbox.deliverer.start();
  await Promise.all(
    ids.filter((id) => id !== "refuse-000002").map((id) => outbox.sink.delivered(id, 5000)),
  );
  await expect(outbox.sink.delivered("refuse-000002", 5000)).rejects.toBeInstanceOf(
    EventDeadLetteredError,
  );
  expect(web.received.filter((id) => id === "refuse-000002").length).toBe(3);
  expect(await outbox.metrics.refusals.value()).toBe(3);
  expect(await outbox.metrics.deadLettered.value()).toBe(1);
  const dead = await redis.client.xrange(outbox.keys.deadLetters, "-", "+");
  expect(dead.length).toBe(1);
  const fields = Object.fromEntries(
    dead[0][1].flatMap((v, i, all) => (i % 2 ? [] : [[v, all[i + 1]]])),
  );
  expect(JSON.parse(fields.event).id).toBe("refuse-000002");
  expect(fields.reason).toContain("care4w-1999999");
  expect(await backlog(outbox)).toEqual({ depth: 0, pending: 0 });
  expect(await redis.client.exists(outbox.keys.refusals)).toBe(0);
});

test("'send it again' is retried with backoff until applied, never dead-lettered", async () => {
  const outbox = started({ maxRefusals: 2 });
  let transient = 6;
  web.judge((id) => (id === "again-000001" && transient-- > 0 ? "transient" : "apply"));
  await appendAll(outbox, eventIds("again", 3));
  await outbox.deliverer.start();
  await outbox.sink.delivered("again-000001", 8000);
  expect(await outbox.metrics.deadLettered.value()).toBe(0);
  expect(await outbox.metrics.deliveryFailures.value({ reason: "transient" })).toBe(6);
  expect(web.applied.get("again-000001")).toBe(1);
});

test("an answer that does not match the batch acknowledges nothing", async () => {
  const outbox = started({ backoff: { baseMs: 20, maxMs: 50 } });
  const real = globalThis.fetch;
  let lies = 3;
  const lying = (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await real(input, init);
    if (lies-- <= 0) return response;
    const { results } = await response.json() as { results: object[] };
    // Web's answer names another event: it must not acknowledge ours.
    return Response.json({ results: results.map((r) => ({ ...r, id: "someone-else-1" })) });
  }) as typeof fetch;
  globalThis.fetch = lying;
  try {
    await appendAll(outbox, ["liar-00000001"]);
    await outbox.deliverer.start();
    await outbox.sink.delivered("liar-00000001", 5000);
    expect(await outbox.metrics.deliveryFailures.value({ reason: "answer" })).toBe(3);
    expect(web.received.length).toBe(4);
  } finally {
    globalThis.fetch = real;
  }
});

test("an entry that is not an event is dead-lettered and blocks nothing", async () => {
  const outbox = started();
  await appendAll(outbox, ["fine-00000001"]);
  await redis.client.xadd(outbox.keys.stream, "*", "event", "{not json");
  await redis.client.xadd(outbox.keys.stream, "*", "other", "field");
  await appendAll(outbox, ["fine-00000002"]);
  await outbox.deliverer.start();
  await outbox.sink.delivered("fine-00000002", 5000);
  await outbox.sink.delivered("fine-00000001", 5000);
  expect(await redis.client.xlen(outbox.keys.deadLetters)).toBe(2);
  await eventually(
    "empty",
    async () => expect(await backlog(outbox)).toEqual({ depth: 0, pending: 0 }),
  );
});

test("a restarted deliverer takes back at once what its previous run read and never acked", async () => {
  const outbox = started({ claimIdleMs: 60_000, consumer: "agent-host-a" });
  const ids = eventIds("restart", 30);
  await appendAll(outbox, ids);
  // The previous run: read the entries, then died before web confirmed anything.
  await readWithoutAck(outbox, "agent-host-a", 100);
  expect((await backlog(outbox)).pending).toBe(30);
  const before = Date.now();
  await outbox.deliverer.start();
  await Promise.all(ids.map((id) => outbox.sink.delivered(id, 5000)));
  // Far sooner than claimIdleMs (60 s): its own pending list, not a claim after idling.
  expect(Date.now() - before).toBeLessThan(3000);
  expect(await outbox.metrics.reclaimed.value()).toBe(30);
  expect(web.applied.size).toBe(30);
});

test("entries held by a consumer that never comes back are claimed once idle (XAUTOCLAIM)", async () => {
  const outbox = started({ claimIdleMs: 400, consumer: "agent-host-b" });
  const ids = eventIds("claim", 20);
  await appendAll(outbox, ids);
  await readWithoutAck(outbox, "agent-gone", 15);
  await outbox.deliverer.start();
  // The five nobody held go at once; the dead consumer's fifteen only once idle 400 ms.
  await eventually("unheld ones", () => expect(web.applied.size).toBe(5));
  expect(web.applied.has(ids[0])).toBe(false);
  await Promise.all(ids.map((id) => outbox.sink.delivered(id, 5000)));
  expect(await outbox.metrics.reclaimed.value()).toBe(15);
  const consumers = await redis.client.xinfo(
    "CONSUMERS",
    outbox.keys.stream,
    outbox.keys.group,
  ) as unknown[][];
  const gone = consumers.find((c) => c[1] === "agent-gone")!;
  expect(gone[3]).toBe(0); // its pending count
});

test("stop returns promptly while web is down; the held batch stays pending for the next run", async () => {
  const outbox = started({
    backoff: { baseMs: 5000, maxMs: 5000 },
    random: () => 0.99,
    claimIdleMs: 60_000,
  });
  web.failWith(503);
  await appendAll(outbox, eventIds("stop", 5));
  await outbox.deliverer.start();
  await eventually(
    "a failure",
    async () =>
      expect(await outbox.metrics.deliveryFailures.value({ reason: "status" })).toBeGreaterThan(0),
  );
  const before = Date.now();
  await outbox.deliverer.stop();
  expect(Date.now() - before).toBeLessThan(500);
  expect(await backlog(outbox)).toEqual({ depth: 5, pending: 5 });
  // The next start takes its own pending entries back at once (no 60 s claim wait).
  web.failWith(null);
  await outbox.deliverer.start();
  await Promise.all(eventIds("stop", 5).map((id) => outbox.sink.delivered(id, 3000)));
});

test("two agents share one outbox through its consumer group: each event lands once", async () => {
  web = startReceiver(OUTBOX_TEST_SECRET);
  const prefix = `t${Math.random().toString(36).slice(2, 8)}`;
  const [a, b] = ["agent-a", "agent-b"].map((consumer) => {
    const outbox = testOutbox(redis.client, web.url, { prefix, consumer, batchSize: 10 });
    running.push(outbox);
    return outbox;
  });
  await Promise.all([a.deliverer.start(), b.deliverer.start()]);
  const ids = eventIds("shared", 300);
  // Both produce: half the events are appended by each agent's process.
  await Promise.all([appendAll(a, ids.slice(0, 150)), appendAll(b, ids.slice(150))]);
  await eventually("every event applied", () => expect(web.applied.size).toBe(300), {
    timeoutMs: 20_000,
  });
  expect([...web.applied.values()].every((times) => times === 1)).toBe(true);
  const delivered = async (o: TestOutbox) => await o.metrics.delivered.value({ result: "new" });
  expect((await delivered(a)) + (await delivered(b))).toBe(300);
  expect(await delivered(a)).toBeGreaterThan(0);
  expect(await delivered(b)).toBeGreaterThan(0);
  expect(await backlog(a)).toEqual({ depth: 0, pending: 0 });
});

/**
 * The EventSink contract on a real Redis: `append` validates first and resolves only once the
 * event is in the stream; `delivered` answers from the confirmations a deliverer writes (in this
 * process or any other), rejects for dead-lettered events and times out otherwise.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { freePort } from "../../../testing/ports.ts";
import { startTestRedis, type TestRedis } from "../testing/redis-server.ts";
import { DeliveryTimeoutError, EventDeadLetteredError, InvalidEventError } from "./redis-sink.ts";
import { cdrEvent } from "./testing/events.ts";
import { testOutbox } from "./testing/outbox.ts";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => await redis.stop());

test("append stores the validated event as JSON in the stream before it resolves", async () => {
  const outbox = testOutbox(redis.client, null);
  const event = cdrEvent("sink-append-0001");
  await outbox.sink.append(event);
  const entries = await redis.client.xrange(outbox.keys.stream, "-", "+");
  expect(entries.length).toBe(1);
  const [, fields] = entries[0];
  expect(fields[0]).toBe("event");
  expect(JSON.parse(fields[1])).toEqual(event);
  expect(await outbox.metrics.appended.value()).toBe(1);
});

test("a producer bug never reaches the stream: append rejects and counts it", async () => {
  const outbox = testOutbox(redis.client, null);
  const bad = [
    { ...cdrEvent("sink-bad-0001"), type: "nonsense" },
    { ...cdrEvent("short") },
    { ...cdrEvent("sink-bad-0003"), extra: true },
    { ...cdrEvent("sink-bad-0004"), call: { ...cdrEvent("x-0000000").call, callee: "bob" } },
  ];
  for (const event of bad) {
    await expect(outbox.sink.append(event as never)).rejects.toBeInstanceOf(InvalidEventError);
  }
  expect(await redis.client.exists(outbox.keys.stream)).toBe(0);
  expect(await outbox.metrics.appendRejected.value()).toBe(bad.length);
  expect(await outbox.metrics.appended.value()).toBe(0);
});

test("append rejects while Redis is unreachable (the producer learns it is not stored)", async () => {
  const down = new Redis(`redis://127.0.0.1:${await freePort()}`, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  down.on("error", () => {});
  try {
    const outbox = testOutbox(down, null);
    await expect(outbox.sink.append(cdrEvent("sink-down-0001"))).rejects.toThrow();
    expect(await outbox.metrics.appended.value()).toBe(0);
  } finally {
    down.disconnect();
  }
});

test("delivered answers from confirmations written by any process, and after the fact", async () => {
  const outbox = testOutbox(redis.client, null);
  // Another process (a deliverer of an earlier run) confirmed it before anyone asked.
  await redis.client.set(outbox.keys.done("sink-done-0001"), "ok", "EX", 60);
  await outbox.sink.delivered("sink-done-0001", 1000);
  // Confirmed while waiting, by another process: found by polling.
  const waiting = outbox.sink.delivered("sink-done-0002", 3000);
  setTimeout(() => void redis.client.set(outbox.keys.done("sink-done-0002"), "ok", "EX", 60), 100);
  await waiting;
  // Confirmed by this process's deliverer: told at once.
  const told = outbox.sink.delivered("sink-done-0003", 3000);
  outbox.sink.settled(["sink-done-0003"], "ok");
  await told;
});

test("delivered rejects for a dead-lettered event and times out for an unconfirmed one", async () => {
  const outbox = testOutbox(redis.client, null);
  await redis.client.set(outbox.keys.done("sink-dead-0001"), "dead", "EX", 60);
  await expect(outbox.sink.delivered("sink-dead-0001", 1000)).rejects.toBeInstanceOf(
    EventDeadLetteredError,
  );
  const started = Date.now();
  await expect(outbox.sink.delivered("sink-never-0001", 300)).rejects.toBeInstanceOf(
    DeliveryTimeoutError,
  );
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
});

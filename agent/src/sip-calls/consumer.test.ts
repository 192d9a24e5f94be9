/**
 * The call-record consumer on a real Redis with the real outbox: records Kamailio XADDed become
 * cdr events in the outbox and leave the stream; what is not a record is dropped and counted; a
 * record held by an agent that died is claimed by another; an append that fails leaves the record
 * to be read again, so nothing is lost.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Registry } from "../metrics/registry.ts";
import { testOutbox } from "../outbox/testing/outbox.ts";
import type { EventSink } from "../outbox/sink.ts";
import { startTestRedis, type TestRedis } from "../testing/redis-server.ts";
import { createSipCallConsumer, createSipCallMetrics } from "./consumer.ts";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => await redis.stop());

const record = (callId: string) =>
  JSON.stringify({
    callId,
    fromTag: "ft",
    caller: "care4w-1000001",
    callee: "care4w-1000002",
    created: "1796176189.894476",
    answered: "",
    ended: "1796176199.2",
    code: "486",
    transferredBy: "",
    transferredTo: "",
  });

function consumerOn(stream: string, sink: Pick<EventSink, "append">, consumer = "agent-a") {
  const registry = new Registry();
  const metrics = createSipCallMetrics(registry);
  const warnings: string[] = [];
  const service = createSipCallConsumer({
    redis: redis.client,
    sink,
    metrics,
    warn: (line) => warnings.push(line),
    consumer,
    keys: { stream, group: "agents" },
    pollMs: 20,
    claimIdleMs: 100,
  });
  return { service, metrics, warnings };
}

const cdrIds = async (outbox: ReturnType<typeof testOutbox>) =>
  (await redis.client.xrange(outbox.keys.stream, "-", "+"))
    .map(([, fields]) => JSON.parse(fields[1]).id as string);

test("records become cdr events in the outbox and leave the stream; the rest is dropped, counted", async () => {
  const stream = "t1:kamailio:calls";
  const outbox = testOutbox(redis.client, null);
  await redis.client.xadd(stream, "*", "record", record("call-1@host"));
  await redis.client.xadd(stream, "*", "record", "{not json");
  await redis.client.xadd(stream, "*", "other", "field");
  await redis.client.xadd(stream, "*", "record", record("call-2@host"));
  const { service, metrics, warnings } = consumerOn(stream, outbox.sink);
  await service.start();
  await service.drained();
  await service.stop();
  const ids = await cdrIds(outbox);
  expect(ids.length).toBe(2);
  expect(new Set(ids).size).toBe(2);
  expect(await redis.client.xlen(stream)).toBe(0);
  expect(await metrics.records.value({ result: "appended" })).toBe(2);
  expect(await metrics.records.value({ result: "malformed" })).toBe(2);
  expect(warnings.filter((w) => w.includes("dropped (malformed)")).length).toBe(2);
});

test("a record an agent died holding is claimed by another, once", async () => {
  const stream = "t2:kamailio:calls";
  const outbox = testOutbox(redis.client, null);
  await redis.client.xgroup("CREATE", stream, "agents", "0", "MKSTREAM");
  await redis.client.xadd(stream, "*", "record", record("held@host"));
  // The dead agent read it and never acknowledged it.
  await redis.client.xreadgroup(
    "GROUP",
    "agents",
    "agent-dead",
    "COUNT",
    10,
    "STREAMS",
    stream,
    ">",
  );
  const { service, metrics } = consumerOn(stream, outbox.sink, "agent-b");
  await service.start();
  await new Promise((resolve) => setTimeout(resolve, 400));
  await service.drained();
  await service.stop();
  expect((await cdrIds(outbox)).length).toBe(1);
  expect(await metrics.reclaimed.value()).toBe(1);
  expect(await redis.client.xlen(stream)).toBe(0);
});

test("an append that fails leaves the record pending; it is appended on the next read", async () => {
  const stream = "t3:kamailio:calls";
  const outbox = testOutbox(redis.client, null);
  await redis.client.xadd(stream, "*", "record", record("retry@host"));
  let refusals = 2;
  const flaky: Pick<EventSink, "append"> = {
    append(event) {
      if (refusals-- > 0) return Promise.reject(new Error("outbox unreachable"));
      return outbox.sink.append(event);
    },
  };
  const { service, warnings } = consumerOn(stream, flaky);
  await service.start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await service.drained();
  await service.stop();
  expect((await cdrIds(outbox)).length).toBe(1);
  expect(await redis.client.xlen(stream)).toBe(0);
  expect(warnings.some((w) => w.includes("outbox unreachable"))).toBe(true);
});

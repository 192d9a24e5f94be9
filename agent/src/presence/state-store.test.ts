import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestRedis, type TestRedis } from "../testing/redis-server.ts";
import { createRedisPresenceStore } from "./state-store.ts";
import { PresenceTracker } from "./tracker.ts";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => await redis.stop());

test("the state survives a restart in Redis, and a dump then tells who went meanwhile", async () => {
  const store = createRedisPresenceStore(redis.client);
  const ann = "care4w-1000001";
  const state = { atMicros: 5, contacts: [{ ruid: "uloc-1", transport: "wss" as const }] };
  await store.saveAor(ann, state);
  await store.saveAor("care4w-1000002", { atMicros: 6, contacts: [] });
  await store.saveAor("care4w-1000002", null);
  await store.saveWatermark(4);
  // Something else wrote a field: ignored, not fatal.
  await redis.client.hset("presence:aors", "care4w-1000009", "not json");

  const loaded = await store.load();
  expect(loaded.watermark).toBe(4);
  expect([...loaded.aors]).toEqual([[ann, state]]);
  const [change] = new PresenceTracker(loaded).reconcile(new Map(), 10);
  expect(change.events.map((e) => e.id)).toEqual(["reg-uloc-1-off", `pres-${ann}-off-uloc-1`]);
});

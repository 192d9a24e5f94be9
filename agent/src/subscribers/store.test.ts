import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { startTestRedis, type TestRedis } from "../testing/redis-server.ts";
import { createSubscriberStore, subscriberKey, type SubscriberStore } from "./store.ts";

let redis: TestRedis;
let store: SubscriberStore;
const id = "care4w-1000001";
const ha1 = "0123456789abcdef0123456789abcdef";

beforeAll(async () => {
  redis = await startTestRedis();
  store = createSubscriberStore(redis.client);
});
afterAll(async () => await redis.stop());
beforeEach(async () => await redis.client.flushall());

test("read is null on a miss and maps the hash otherwise", async () => {
  expect(await store.read(id)).toBeNull();
  await store.write(id, { ha1, active: true, displayName: "Ann" });
  expect(await store.read(id)).toEqual({ ha1, active: true, displayName: "Ann" });
  expect(await redis.client.hget(subscriberKey(id), "name")).toBe("Ann");
  await store.write(id, { ha1: null, active: false });
  expect(await store.read(id)).toEqual({ ha1: null, active: false });
  expect(await redis.client.hget(subscriberKey(id), "name")).toBeNull();
});

test("the call profile is part of the entry and is replaced with it", async () => {
  const profile = { displayName: "Ann", recordCalls: true, e164: "+442071234567" };
  await store.write(id, { ha1, active: true, ...profile });
  expect(await store.read(id)).toEqual({ ha1, active: true, ...profile });
  expect(await redis.client.hgetall(subscriberKey(id))).toEqual({
    ha1,
    active: "1",
    name: "Ann",
    rec: "1",
    e164: "+442071234567",
  });
  // A push without them (setting turned off, number removed) leaves none behind.
  await store.write(id, { ha1, active: true, displayName: "Ann", recordCalls: false });
  expect(await store.read(id)).toEqual({ ha1, active: true, displayName: "Ann" });
});

test("a cache fill keeps the profile web gave", async () => {
  const value = { ha1: null, active: true, displayName: "Bo", recordCalls: true };
  expect(await store.fillIfAbsent(id, value, 30)).toBe(true);
  expect(await store.read(id)).toEqual(value);
  expect(await redis.client.ttl(subscriberKey(id))).toBe(-1);
});

test("a cache fill never overwrites a provisioned entry (provisioning is newer)", async () => {
  await store.write(id, { ha1, active: false });
  expect(await store.fillIfAbsent(id, { ha1, active: true }, 30)).toBe(false);
  expect(await store.fillIfAbsent(id, null, 30)).toBe(false);
  expect(await store.read(id)).toEqual({ ha1, active: false });
});

test("negative fills expire; positive fills do not", async () => {
  expect(await store.fillIfAbsent(id, null, 30)).toBe(true);
  expect(await store.readEntry(id)).toEqual({ ha1: null, active: false, negative: true });
  expect(await redis.client.ttl(subscriberKey(id))).toBeGreaterThan(0);
  await redis.client.del(subscriberKey(id));
  expect(await store.fillIfAbsent(id, { ha1, active: true }, 30)).toBe(true);
  expect(await redis.client.ttl(subscriberKey(id))).toBe(-1);
  expect(await store.readEntry(id)).toEqual({ ha1, active: true, negative: false });
});

test("who may ring the user is kept with the entry, only what is not the default", async () => {
  const refusing = { doNotDisturb: true, allowDirectCalls: false, blockAnonymousCalls: true };
  await store.write(id, { ha1, active: true, ...refusing });
  expect(await store.read(id)).toEqual({ ha1, active: true, ...refusing });
  expect(await redis.client.hgetall(subscriberKey(id))).toEqual({
    ha1,
    active: "1",
    dnd: "1",
    nodirect: "1",
    noanon: "1",
  });
  // The defaults written out mean the same as nothing: none of the fields is left behind.
  const defaults = { doNotDisturb: false, allowDirectCalls: true, blockAnonymousCalls: false };
  await store.write(id, { ha1, active: true, ...defaults });
  expect(await store.read(id)).toEqual({ ha1, active: true });
  expect(await store.fillIfAbsent("care4w-1000002", { ha1: null, active: true, ...refusing }, 30))
    .toBe(true);
  expect(await store.read("care4w-1000002")).toEqual({ ha1: null, active: true, ...refusing });
});

import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { digestHa1 } from "../../../shared/sip-credentials.ts";
import { createAgent } from "../agent.ts";
import { createSubscriberStore, type SubscriberStore } from "../subscribers/store.ts";
import { TEST_REALM, testConfig } from "../testing/fixtures.ts";
import { startTestRedis, type TestRedis } from "../testing/redis-server.ts";
import { createHa1Pages, RECORDS_PER_PAGE } from "./ha1-pages.ts";

let redis: TestRedis;
let store: SubscriberStore;
beforeAll(async () => {
  redis = await startTestRedis();
  store = createSubscriberStore(redis.client);
});
afterAll(async () => await redis.stop());
beforeEach(async () => {
  await redis.client.flushall();
});

const id = (n: number) => `care4w-${String(2_000_000 + n)}`;
const ha1 = (n: number) => digestHa1(id(n), TEST_REALM, `pw-${n}`);

test("pages hold every active long-lived HA1 once, in order, 40 to a page, then nothing", async () => {
  for (let n = 0; n < 95; n++) await store.write(id(n), { ha1: ha1(n), active: true });
  // None of these belongs in Kamailio's cache.
  await store.write(id(200), { ha1: ha1(200), active: false });
  await store.write(id(201), { ha1: null, active: true });
  // Nor a key Redis holds in some other shape: the fixed-width records depend on it.
  await redis.client.hset("sub:care4w-12", "ha1", "not-an-ha1", "active", "1");
  await redis.client.hset(`sub:${id(202)}`, "ha1", "ABCDEF".repeat(6), "active", "1");
  const pages = createHa1Pages(store);
  const read: string[] = [];
  for (let n = 0;; n++) {
    const page = await pages.page(n);
    if (page === "") break;
    expect(page.length % 46).toBe(0);
    expect(page.length).toBeLessThanOrEqual(RECORDS_PER_PAGE * 46);
    for (let at = 0; at < page.length; at += 46) read.push(page.slice(at, at + 46));
  }
  expect(read).toEqual(Array.from({ length: 95 }, (_, n) => id(n) + ha1(n)));
});

test("a new reading sees a changed password; pages after the first keep their snapshot", async () => {
  await store.write(id(1), { ha1: ha1(1), active: true });
  const pages = createHa1Pages(store);
  expect(await pages.page(0)).toBe(id(1) + ha1(1));
  await store.write(id(1), { ha1: ha1(2), active: true });
  expect(await pages.page(1)).toBe("");
  expect(await pages.page(0)).toBe(id(1) + ha1(2));
});

test("GET /kamailio/ha1s answers Kamailio only, and a bad page number is 400", async () => {
  await store.write(id(3), { ha1: ha1(3), active: true });
  const secret = "kamailio-secret-of-some-length";
  const { app } = createAgent({ ...testConfig(redis.url), kamailioApiSecret: secret }, {
    redis: redis.client,
    web: null,
    kamailio: async () => {},
    warn: () => {},
  });
  const kamailio = { authorization: `Basic ${btoa(`kamailio:${secret}`)}` };
  expect((await app.request("/kamailio/ha1s?page=0")).status).toBe(401);
  const ok = await app.request("/kamailio/ha1s?page=0", { headers: kamailio });
  expect(ok.status).toBe(200);
  expect(await ok.text()).toBe(id(3) + ha1(3));
  expect((await app.request("/kamailio/ha1s?page=-1", { headers: kamailio })).status).toBe(400);
});

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { digestHa1, ephemeralSipCredentials } from "../../../shared/sip-credentials.ts";
import { verifyRequest } from "../../../shared/signing.ts";
import { freePort } from "../../../testing/ports.ts";
import { createAgent } from "../agent.ts";
import {
  signedInit,
  TEST_API_SECRET,
  TEST_REALM,
  TEST_SIP_SECRET,
  testConfig,
} from "../testing/fixtures.ts";
import { type HttpStub, type RecordedRequest, startHttpStub } from "../testing/http-stub.ts";
import { startTestRedis, type TestRedis } from "../testing/redis-server.ts";
import { subscriberKey } from "./store.ts";

let redis: TestRedis;
let web: HttpStub;
/** A web URL nothing listens on. */
let downWebUrl: string;
/** What the stand-in web knows, by CareFlow ID. */
let known: Map<
  string,
  { ha1: string | null; active: boolean; displayName?: string; recordCalls?: boolean }
>;

const alice = "care4w-1000001";
const aliceHa1 = digestHa1(alice, TEST_REALM, "pw");
const auth = (user: string) =>
  `/kamailio/auth?user=${encodeURIComponent(user)}&realm=${TEST_REALM}`;

// Behaves like web's endpoint: refuses unsigned requests, answers 200 or 404.
function webHandler(request: RecordedRequest): Response {
  const verdict = verifyRequest({
    secret: TEST_API_SECRET,
    method: request.method,
    path: request.path,
    body: request.body,
    headers: request.headers,
  });
  if (!verdict.ok) return new Response(null, { status: 401 });
  const care4wId = request.path.split("/").pop()!;
  const record = known.get(care4wId);
  return record ? Response.json({ care4wId, ...record }) : new Response(null, { status: 404 });
}

beforeAll(async () => {
  redis = await startTestRedis();
  web = startHttpStub();
  downWebUrl = `http://127.0.0.1:${await freePort()}`;
});
afterAll(async () => {
  await web.stop();
  await redis.stop();
});
beforeEach(async () => {
  await redis.client.flushall();
  web.requests.length = 0;
  web.respond(webHandler);
  known = new Map([[alice, { ha1: aliceHa1, active: true }]]);
});

function makeApp(webUrl: string = web.url) {
  return createAgent(testConfig(redis.url, { webUrl }), {
    redis: redis.client,
    kamailio: async () => {},
    warn: () => {},
  });
}

describe("cache miss: heals from web", () => {
  test("an empty Redis heals from web with one signed fetch", async () => {
    const { app, metrics } = makeApp();
    const first = await app.request(auth(alice));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ha1: aliceHa1 });
    expect(web.requests).toHaveLength(1);
    expect(web.requests[0].path).toBe(`/internal/subscribers/${alice}`);
    expect(await redis.client.hgetall(subscriberKey(alice))).toEqual({
      ha1: aliceHa1,
      active: "1",
      neg: "0",
    });
    expect(await redis.client.ttl(subscriberKey(alice))).toBe(-1);
    expect((await app.request(auth(alice))).status).toBe(200);
    expect((await app.request(`/kamailio/route?to=1000001`)).status).toBe(200);
    expect(web.requests).toHaveLength(1);
    expect(await metrics.webFetches.value({ result: "found" })).toBe(1);
  });

  test("the call profile heals too: name and recording setting from web", async () => {
    const { app } = makeApp();
    known.set(alice, { ha1: aliceHa1, active: true, displayName: "Alice", recordCalls: true });
    const res = await app.request(`/kamailio/call?from=${alice}&to=%2B442071234567`);
    expect(await res.json()).toEqual({
      callee: "",
      callerName: "Alice",
      calleeName: "",
      recordFor: alice,
      callerNumber: "",
      refuse: "",
    });
    expect(await redis.client.hgetall(subscriberKey(alice))).toEqual({
      ha1: aliceHa1,
      active: "1",
      neg: "0",
      name: "Alice",
      rec: "1",
    });
    expect(web.requests).toHaveLength(1);
  });

  test("ephemeral usernames heal too", async () => {
    const { app } = makeApp();
    const now = Math.floor(Date.now() / 1000);
    const creds = ephemeralSipCredentials(TEST_SIP_SECRET, alice, 600, now);
    expect((await app.request(auth(creds.username))).status).toBe(200);
    expect(web.requests).toHaveLength(1);
  });
});

describe("cache miss: unknown and inactive users", () => {
  test("unknown users are cached negatively for about 30 s", async () => {
    const { app, metrics } = makeApp();
    for (let i = 0; i < 5; i++) {
      expect((await app.request(auth("care4w-1000009"))).status).toBe(404);
    }
    expect(web.requests).toHaveLength(1);
    const ttl = await redis.client.ttl(subscriberKey("care4w-1000009"));
    expect(ttl).toBeGreaterThan(25);
    expect(ttl).toBeLessThanOrEqual(30);
    expect(await metrics.webFetches.value({ result: "not_found" })).toBe(1);
  });

  test("provisioning replaces a negative entry and clears its TTL", async () => {
    const { app } = makeApp();
    const id = "care4w-1000009";
    expect((await app.request(auth(id))).status).toBe(404);
    const path = `/internal/subscribers/${id}`;
    const ha1 = digestHa1(id, TEST_REALM, "pw");
    await app.request(path, signedInit("PUT", path, { ha1, active: true }));
    expect(await redis.client.ttl(subscriberKey(id))).toBe(-1);
    expect((await app.request(auth(id))).status).toBe(200);
  });

  test("an inactive user from web is cached and refused", async () => {
    known.set("care4w-1000002", { ha1: aliceHa1, active: false });
    const { app } = makeApp();
    expect((await app.request(auth("care4w-1000002"))).status).toBe(404);
    expect((await app.request(auth("care4w-1000002"))).status).toBe(404);
    expect(web.requests).toHaveLength(1);
  });
});

describe("cache miss: one fetch at a time, and web unavailable", () => {
  test("concurrent misses for one user share one fetch", async () => {
    web.respond(async (request) => {
      await Bun.sleep(50);
      return webHandler(request);
    });
    const { app } = makeApp();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => app.request(auth(alice))),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(web.requests).toHaveLength(1);
  });

  test("web down, failing or malformed: 503, nothing cached", async () => {
    const down = makeApp(downWebUrl);
    const res = await down.app.request(auth(alice));
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await down.app.request(`/kamailio/route?to=${alice}`)).status).toBe(503);
    expect(await down.metrics.webFetches.value({ result: "error" })).toBe(2);
    expect(await down.metrics.authLookups.value({ result: "error" })).toBe(1);

    const { app } = makeApp();
    web.respond(() => new Response("oops", { status: 500 }));
    expect((await app.request(auth(alice))).status).toBe(503);
    web.respond(() => Response.json({ care4wId: alice, ha1: "not-hex", active: true }));
    expect((await app.request(auth(alice))).status).toBe(503);
    web.respond(() => Response.json({ care4wId: "care4w-1000002", ha1: aliceHa1, active: true }));
    expect((await app.request(auth(alice))).status).toBe(503);
    expect(await redis.client.exists(subscriberKey(alice))).toBe(0);

    web.respond(webHandler);
    expect((await app.request(auth(alice))).status).toBe(200);
  });

  test("without WEB_URL a miss is simply unknown", async () => {
    const { app } = createAgent(testConfig(redis.url), {
      redis: redis.client,
      kamailio: async () => {},
      warn: () => {},
    });
    expect((await app.request(auth(alice))).status).toBe(404);
    expect(web.requests).toHaveLength(0);
  });
});

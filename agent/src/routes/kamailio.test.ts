import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { digestHa1, ephemeralSipCredentials } from "../../../shared/sip-credentials.ts";
import { PROBLEM_TYPE_BASE } from "../../../shared/http/problem.ts";
import type { KamailioCallResponse } from "../../../shared/agent-contract.ts";
import { createAgent } from "../agent.ts";
import { createSubscriberStore, type SubscriberStore } from "../subscribers/store.ts";
import { TEST_REALM, TEST_SIP_SECRET, testConfig } from "../testing/fixtures.ts";
import { startTestRedis, type TestRedis } from "../testing/redis-server.ts";

let redis: TestRedis;
let store: SubscriberStore;
let now = 1_800_000_000;

beforeAll(async () => {
  redis = await startTestRedis();
  store = createSubscriberStore(redis.client);
});
afterAll(async () => await redis.stop());

function makeApp() {
  return createAgent(testConfig(redis.url), {
    redis: redis.client,
    web: null,
    kamailio: async () => {},
    nowSeconds: () => now,
    warn: () => {},
  });
}

const alice = "care4w-1000001";
const aliceHa1 = digestHa1(alice, TEST_REALM, "phone-password");
const auth = (user: string, realm = TEST_REALM) =>
  `/kamailio/auth?user=${encodeURIComponent(user)}&realm=${encodeURIComponent(realm)}`;

describe("GET /kamailio/auth", () => {
  beforeEach(async () => {
    now = 1_800_000_000;
    await redis.client.flushall();
    await store.write(alice, { ha1: aliceHa1, active: true });
  });

  test("a long-lived username gets its stored HA1", async () => {
    const { app, metrics } = makeApp();
    const res = await app.request(auth(alice));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ha1: aliceHa1 });
    expect(await metrics.authLookups.value({ result: "ok" })).toBe(1);
    expect(await metrics.authLatency.observations()).toBe(1);
  });

  test("unknown, inactive and password-less users get 404", async () => {
    const { app, metrics } = makeApp();
    await store.write("care4w-1000002", { ha1: aliceHa1, active: false });
    await store.write("care4w-1000003", { ha1: null, active: true });
    for (const user of ["care4w-1000009", "care4w-1000002", "care4w-1000003", "alice", "1000001"]) {
      const res = await app.request(auth(user));
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await metrics.authLookups.value({ result: "not_found" })).toBe(5);
  });

  test("another realm gets 404 even for a known user", async () => {
    const { app } = makeApp();
    expect((await app.request(auth(alice, "other.example"))).status).toBe(404);
  });

  test("a valid ephemeral username gets the HA1 of its HMAC password", async () => {
    const { app } = makeApp();
    const creds = ephemeralSipCredentials(TEST_SIP_SECRET, alice, 600, now);
    const res = await app.request(auth(creds.username));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ha1: digestHa1(creds.username, TEST_REALM, creds.password),
    });
  });

  test("ephemeral credentials work for a user with no long-lived password", async () => {
    const { app } = makeApp();
    await store.write("care4w-1000003", { ha1: null, active: true });
    const creds = ephemeralSipCredentials(TEST_SIP_SECRET, "care4w-1000003", 600, now);
    expect((await app.request(auth(creds.username))).status).toBe(200);
  });

  test("expired, forged-format and deactivated ephemeral usernames get 404", async () => {
    const { app } = makeApp();
    const creds = ephemeralSipCredentials(TEST_SIP_SECRET, alice, 600, now);
    now += 600;
    expect((await app.request(auth(creds.username))).status).toBe(404);
    now -= 600;
    expect((await app.request(auth(`${now + 60}:CARE4W-1000001`))).status).toBe(404);
    expect((await app.request(auth(`${now + 60}:care4w-1000009`))).status).toBe(404);
    await store.write(alice, { ha1: aliceHa1, active: false });
    expect((await app.request(auth(creds.username))).status).toBe(404);
  });

  test("malformed queries get 400 problem+json", async () => {
    const { app, metrics } = makeApp();
    const bad = [
      "/kamailio/auth",
      `/kamailio/auth?user=${alice}`,
      `/kamailio/auth?realm=${TEST_REALM}`,
      `/kamailio/auth?user=&realm=${TEST_REALM}`,
      `/kamailio/auth?user=a%20b&realm=${TEST_REALM}`,
      `/kamailio/auth?user=${"x".repeat(129)}&realm=${TEST_REALM}`,
    ];
    for (const path of bad) {
      const res = await app.request(path);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const body = (await res.json()) as { status: number; type: string; errors: unknown[] };
      expect(body.status).toBe(400);
      expect(body.type).toBe(`${PROBLEM_TYPE_BASE}validation`);
      expect(body.errors.length).toBeGreaterThan(0);
    }
    expect(await metrics.authLookups.value({ result: "invalid" })).toBe(bad.length);
  });

  test("Redis down answers 503, never 200, and counts the error", async () => {
    const { app, metrics } = makeApp();
    const broken = createAgent(testConfig(redis.url), {
      redis: { hmget: () => Promise.reject(new Error("down")) } as never,
      web: null,
      kamailio: async () => {},
      metrics,
      warn: () => {},
    });
    expect((await broken.app.request(auth(alice))).status).toBe(503);
    expect(await metrics.authLookups.value({ result: "error" })).toBe(1);
    expect(await metrics.redisErrors.value()).toBe(1);
    expect((await app.request(auth(alice))).status).toBe(200);
  });
});

describe("GET /kamailio/route", () => {
  beforeEach(async () => {
    await redis.client.flushall();
    await store.write(alice, { ha1: null, active: true });
    await store.write("care4w-1000002", { ha1: null, active: false });
  });

  test("a CareFlow ID or its short form resolves to the SIP user", async () => {
    const { app } = makeApp();
    for (const to of [alice, "1000001", "CARE4W-1000001"]) {
      const res = await app.request(`/kamailio/route?to=${to}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ user: alice });
    }
  });

  test("unknown, inactive and non-ID targets get 404; a missing target 400", async () => {
    const { app, metrics } = makeApp();
    for (const to of ["care4w-1000009", "care4w-1000002", "+441234567890", "alice"]) {
      expect((await app.request(`/kamailio/route?to=${encodeURIComponent(to)}`)).status).toBe(404);
    }
    expect((await app.request("/kamailio/route")).status).toBe(400);
    expect(await metrics.routeLookups.value({ result: "not_found" })).toBe(4);
    expect(await metrics.routeLookups.value({ result: "invalid" })).toBe(1);
  });
});

describe("GET /kamailio/call", () => {
  const bob = "care4w-1000002";
  const call = (from: string, to: string) =>
    `/kamailio/call?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  beforeEach(async () => {
    await redis.client.flushall();
    await store.write(alice, { ha1: null, active: true, displayName: "Alice Example" });
    await store.write(bob, { ha1: null, active: true, displayName: "Bob", recordCalls: true });
    await store.write("care4w-1000003", { ha1: null, active: false });
  });

  test("a call to a user names the callee, the caller's CareFlow name and who records", async () => {
    const { app } = makeApp();
    for (const to of [bob, "1000002"]) {
      const res = await app.request(call(alice, to));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        callee: bob,
        callerName: "Alice Example",
        calleeName: "Bob",
        recordFor: bob,
        callerNumber: "",
        refuse: "",
      });
    }
    // Both settings on: caller first. The caller's own number only matters for phone numbers.
    await store.write(alice, { ha1: null, active: true, recordCalls: true, e164: "+4930123456" });
    expect(await (await app.request(call(alice, bob))).json()).toEqual({
      callee: bob,
      callerName: "",
      calleeName: "Bob",
      recordFor: `${alice},${bob}`,
      callerNumber: "",
      refuse: "",
    });
  });

  test("a call to a phone number gives the caller's own number, or none", async () => {
    const { app } = makeApp();
    expect(await (await app.request(call(bob, "+442071234567"))).json()).toEqual({
      callee: "",
      callerName: "Bob",
      calleeName: "",
      recordFor: bob,
      callerNumber: "",
      refuse: "",
    });
    await store.write(alice, { ha1: null, active: true, e164: "+4930123456" });
    const res = await app.request(call(alice, "+442071234567"));
    expect(((await res.json()) as KamailioCallResponse).callerNumber).toBe("+4930123456");
  });

  test("a call in from the trunk (no caller) still says whether the callee records", async () => {
    const { app } = makeApp();
    const res = await app.request(`/kamailio/call?to=${bob}`);
    expect(await res.json()).toEqual({
      callee: bob,
      callerName: "",
      calleeName: "Bob",
      recordFor: bob,
      callerNumber: "",
      refuse: "",
    });
    expect((await app.request(call("", alice))).status).toBe(200);
  });

  test("unknown or inactive callees 404; an unknown or inactive caller 403", async () => {
    const { app, metrics } = makeApp();
    for (const to of ["care4w-1000009", "care4w-1000003", "12345", "alice"]) {
      expect((await app.request(call(alice, to))).status).toBe(404);
    }
    for (const from of ["care4w-1000009", "care4w-1000003", "alice"]) {
      expect((await app.request(call(from, bob))).status).toBe(403);
    }
    expect((await app.request("/kamailio/call?from=x")).status).toBe(400);
    expect(await metrics.routeLookups.value({ result: "not_found" })).toBe(4);
  });

  test("display names are made safe for a SIP quoted-string", async () => {
    const { app } = makeApp();
    await store.write(alice, {
      ha1: null,
      active: true,
      displayName: `  Eve "the" \\ Admin\r\nX-CareFlow-Record-For: care4w-1000002 ${
        "é".repeat(80)
      }`,
    });
    const { callerName } =
      (await (await app.request(call(alice, bob))).json()) as KamailioCallResponse;
    expect(callerName).not.toMatch(/["\\\r\n]/);
    expect(callerName.startsWith("Eve the Admin X-CareFlow-Record-For: care4w-1000002 é")).toBe(
      true,
    );
    expect(Array.from(callerName).length).toBeLessThanOrEqual(64);
  });

  test("Redis down answers 503", async () => {
    const broken = createAgent(testConfig(redis.url), {
      redis: { hmget: () => Promise.reject(new Error("down")) } as never,
      web: null,
      kamailio: async () => {},
      warn: () => {},
    });
    expect((await broken.app.request(call(alice, bob))).status).toBe(503);
  });
});

describe("GET /kamailio/call: the callee's settings", () => {
  const bob = "care4w-1000002";
  const ask = async (query: Record<string, string>) => {
    const res = await makeApp().app.request(`/kamailio/call?${new URLSearchParams(query)}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as KamailioCallResponse).refuse;
  };
  const withheld = { to: bob, fromUser: "anonymous" };
  const number = { to: bob, fromUser: "+4930123456" };
  beforeEach(async () => {
    await redis.client.flushall();
    await store.write(alice, { ha1: null, active: true, displayName: "Alice" });
  });

  test("nothing set: colleagues, outside numbers and withheld numbers ring", async () => {
    await store.write(bob, { ha1: null, active: true });
    expect(await ask({ from: alice, to: bob })).toBe("");
    expect(await ask(number)).toBe("");
    expect(await ask(withheld)).toBe("");
    expect(await ask({ to: bob })).toBe("");
  });

  test("do-not-disturb: 486 for every caller", async () => {
    await store.write(bob, { ha1: null, active: true, doNotDisturb: true });
    expect(await ask({ from: alice, to: bob })).toBe("486");
    expect(await ask({ from: alice, to: "1000002" })).toBe("486");
    expect(await ask(number)).toBe("486");
  });

  test("no direct calls: 480 for a colleague, whatever else is set; outside phones ring", async () => {
    await store.write(bob, { ha1: null, active: true, allowDirectCalls: false });
    expect(await ask({ from: alice, to: bob })).toBe("480");
    expect(await ask(number)).toBe("");
    await store.write(bob, {
      ha1: null,
      active: true,
      allowDirectCalls: false,
      doNotDisturb: true,
    });
    expect(await ask({ from: alice, to: bob })).toBe("480");
  });

  test("blocked anonymous calls: 433 for a withheld outside number only", async () => {
    await store.write(bob, { ha1: null, active: true, blockAnonymousCalls: true });
    expect(await ask(withheld)).toBe("433");
    expect(await ask({ to: bob })).toBe("433");
    expect(await ask({ ...number, privacy: "id" })).toBe("433");
    expect(await ask(number)).toBe("");
    expect(await ask({ to: bob, fromUser: "anonymous", assertedUser: "+4930123456" })).toBe("");
    // An authenticated colleague is never anonymous, whatever their From says.
    expect(await ask({ from: alice, ...withheld })).toBe("");
  });

  test("a call to a phone number is never refused by anyone's settings", async () => {
    await store.write(alice, { ha1: null, active: true, doNotDisturb: true });
    expect(await ask({ from: alice, to: "+442071234567" })).toBe("");
  });

  test("malformed caller-ID facts are 400 and decide nothing", async () => {
    const { app, metrics } = makeApp();
    await store.write(bob, { ha1: null, active: true, blockAnonymousCalls: true });
    const malformed: Record<string, string>[] = [
      { fromUser: "a\r\nb" },
      { privacy: "x".repeat(257) },
    ];
    for (const bad of malformed) {
      const res = await app.request(`/kamailio/call?${new URLSearchParams({ to: bob, ...bad })}`);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await metrics.routeLookups.value({ result: "invalid" })).toBe(2);
  });
});

describe("operational endpoints", () => {
  test("/healthz pings Redis; /metrics shows the counters moving", async () => {
    const { app } = makeApp();
    const health = await app.request("/healthz");
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    await app.request(auth(alice, "nope.example"));
    const res = await app.request("/metrics");
    expect(res.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
    const text = await res.text();
    expect(text).toContain('careflow_agent_auth_lookups_total{result="not_found"} 1');
    expect(text).toContain('careflow_agent_auth_duration_seconds_bucket{le="+Inf"} 1');
    expect(text).toContain("careflow_agent_auth_duration_seconds_count 1");
    expect(text).toContain("# TYPE careflow_agent_redis_errors_total counter");
  });

  test("unknown paths answer 404 problem+json", async () => {
    const { app } = makeApp();
    const res = await app.request("/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("with KAMAILIO_API_SECRET", () => {
  const SECRET = "kamailio-secret-0123456789";
  const basic = (user: string, secret: string) => `Basic ${btoa(`${user}:${secret}`)}`;

  test("only Kamailio's credential reads an HA1; anyone else on the host gets 401", async () => {
    await redis.client.flushall();
    await store.write(alice, { ha1: aliceHa1, active: true });
    const agent = createAgent({ ...testConfig(redis.url), kamailioApiSecret: SECRET }, {
      redis: redis.client,
      web: null,
      kamailio: async () => {},
      nowSeconds: () => now,
      warn: () => {},
    });
    const ask = (authorization?: string, path = auth(alice)) =>
      agent.app.request(path, { headers: authorization ? { authorization } : {} });
    for (
      const refused of [
        undefined,
        basic("kamailio", "wrong-secret-000000000"),
        basic("other", SECRET),
      ]
    ) {
      const response = await ask(refused);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain(aliceHa1);
    }
    expect((await ask(undefined, `/kamailio/route?to=${alice}`)).status).toBe(401);
    const ok = await ask(basic("kamailio", SECRET));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain(aliceHa1);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { digestHa1 } from "../../../shared/sip-credentials.ts";
import { freePort } from "../../../testing/ports.ts";
import { createAgent } from "../agent.ts";
import {
  createSubscriberStore,
  subscriberKey,
  type SubscriberStore,
} from "../subscribers/store.ts";
import { signedInit, TEST_API_SECRET, TEST_REALM, testConfig } from "../testing/fixtures.ts";
import { type HttpStub, startHttpStub } from "../testing/http-stub.ts";
import { startTestRedis, type TestRedis } from "../testing/redis-server.ts";

let redis: TestRedis;
let kamailio: HttpStub;
let store: SubscriberStore;
let warnings: string[];
/** A Kamailio RPC URL nothing listens on. */
let downRpcUrl: string;

beforeAll(async () => {
  redis = await startTestRedis();
  kamailio = startHttpStub();
  store = createSubscriberStore(redis.client);
  downRpcUrl = `http://127.0.0.1:${await freePort()}/RPC`;
});
afterAll(async () => {
  await kamailio.stop();
  await redis.stop();
});
beforeEach(async () => {
  await redis.client.flushall();
  kamailio.requests.length = 0;
  kamailio.respond((req) =>
    Response.json({ jsonrpc: "2.0", result: null, id: JSON.parse(req.body).id })
  );
  warnings = [];
});

function makeApp(rpcUrl: string | null = `${kamailio.url}/RPC`, client = redis.client) {
  return createAgent(testConfig(redis.url, { kamailioRpcUrl: rpcUrl }), {
    redis: client,
    web: null,
    warn: (line) => warnings.push(line),
  });
}

const id = "care4w-1000001";
const path = `/internal/subscribers/${id}`;
const ha1A = digestHa1(id, TEST_REALM, "first");
const ha1B = digestHa1(id, TEST_REALM, "second");
const rpcCalls = () => kamailio.requests.map((r) => JSON.parse(r.body));
const htableDelete = { jsonrpc: "2.0", method: "htable.delete", params: ["authcache", id], id: 1 };
const ulRm = { jsonrpc: "2.0", method: "ul.rm", params: ["location", id], id: 1 };
/** A deactivation also ends the user's calls: their dialogs as caller and callee are listed. */
const endCalls = ["caller", "callee"].map((profile) => ({
  jsonrpc: "2.0",
  method: "dlg.profile_list",
  params: [profile, id],
  id: 1,
}));

describe("signed provisioning", () => {
  test("PUT stores the subscriber and answers 200", async () => {
    const { app, metrics } = makeApp();
    const res = await app.request(path, signedInit("PUT", path, { ha1: ha1A, active: true }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ care4wId: id, active: true });
    expect(await redis.client.hgetall(subscriberKey(id))).toEqual({ ha1: ha1A, active: "1" });
    expect(await metrics.provisioning.value({ op: "upsert", result: "ok" })).toBe(1);
    const auth = await app.request(`/kamailio/auth?user=${id}&realm=${TEST_REALM}`);
    expect(await auth.json()).toEqual({ ha1: ha1A });
  });

  test("a bad signature, a stale request and a replay are refused with 401", async () => {
    const { app, metrics } = makeApp();
    const body = { ha1: ha1A, active: true };
    const forged = signedInit("PUT", path, body, { secret: "wrong-secret-0123456789" });
    expect((await app.request(path, forged)).status).toBe(401);

    const stale = signedInit("PUT", path, body, { now: Math.floor(Date.now() / 1000) - 301 });
    const staleRes = await app.request(path, stale);
    expect(staleRes.status).toBe(401);
    // Which check failed is logged, not told.
    expect(((await staleRes.json()) as { detail: string }).detail).toBe(
      "The request signature was refused.",
    );

    const tampered = signedInit("PUT", path, body);
    tampered.body = JSON.stringify({ ha1: ha1A, active: false });
    expect((await app.request(path, tampered)).status).toBe(401);

    const once = signedInit("PUT", path, body);
    expect((await app.request(path, once)).status).toBe(200);
    const replay = await app.request(path, once);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { detail: string }).detail).toBe(
      "The request signature was refused.",
    );

    const unsigned = await app.request(path, { method: "DELETE" });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get("content-type")).toBe("application/problem+json");
    expect(await metrics.provisioning.value({ op: "upsert", result: "unauthorized" })).toBe(4);
    expect(await metrics.provisioning.value({ op: "delete", result: "unauthorized" })).toBe(1);
    expect(await redis.client.hget(subscriberKey(id), "active")).toBe("1");
  });

  test("a signature for another subscriber's path is refused", async () => {
    const { app } = makeApp();
    const other = "/internal/subscribers/care4w-1000002";
    const init = signedInit("PUT", other, { ha1: ha1A, active: true });
    expect((await app.request(path, init)).status).toBe(401);
  });

  test("invalid bodies and IDs get 400 and change nothing", async () => {
    const { app, metrics } = makeApp();
    const bad: Array<[string, unknown]> = [
      [path, "not json"],
      [path, { ha1: "ABC", active: true }],
      [path, { ha1: ha1A }],
      [path, { ha1: ha1A, active: true, password: "secret" }],
      ["/internal/subscribers/alice", { ha1: ha1A, active: true }],
    ];
    for (const [p, body] of bad) {
      const res = await app.request(p, signedInit("PUT", p, body));
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await redis.client.exists(subscriberKey(id))).toBe(0);
    expect(await metrics.provisioning.value({ op: "upsert", result: "invalid" })).toBe(bad.length);
  });

  test("an oversized body gets 413", async () => {
    const { app, metrics } = makeApp();
    const body = { ha1: ha1A, active: true, displayName: "x".repeat(20_000) };
    expect((await app.request(path, signedInit("PUT", path, body))).status).toBe(413);
    expect(await metrics.provisioning.value({ op: "upsert", result: "invalid" })).toBe(1);
  });

  test("Redis down (replay guard or write): 503, counted, nothing stored", async () => {
    const guardDown = makeApp(null, { set: () => Promise.reject(new Error("down")) } as never);
    const refused = await guardDown.app.request(path, signedInit("DELETE", path));
    expect(refused.status).toBe(503);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(await guardDown.metrics.provisioning.value({ op: "delete", result: "error" })).toBe(1);
    expect(await guardDown.metrics.redisErrors.value()).toBe(1);

    const writeDown = makeApp(null, {
      set: () => Promise.resolve("OK"),
      hgetall: () => Promise.reject(new Error("down")),
    } as never);
    const failed = await writeDown.app.request(
      path,
      signedInit("PUT", path, { ha1: ha1A, active: true }),
    );
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as { detail: string }).detail).toBe("redis unavailable");
    expect(await writeDown.metrics.provisioning.value({ op: "upsert", result: "error" })).toBe(1);
    expect(await writeDown.metrics.redisErrors.value()).toBe(1);
    expect(await redis.client.exists(subscriberKey(id))).toBe(0);
  });
});

describe("Kamailio invalidation", () => {
  test("first upsert of an unknown entry drops the cache and registrations", async () => {
    const { app } = makeApp();
    await app.request(path, signedInit("PUT", path, { ha1: ha1A, active: true }));
    expect(rpcCalls()).toEqual([htableDelete, ulRm]);
  });

  test("an unchanged HA1 sends nothing; a new HA1 (rotation) sends both calls", async () => {
    const { app } = makeApp();
    await store.write(id, { ha1: ha1A, active: true });
    await app.request(path, signedInit("PUT", path, { ha1: ha1A, active: true, displayName: "A" }));
    expect(rpcCalls()).toEqual([]);
    await app.request(path, signedInit("PUT", path, { ha1: ha1B, active: true }));
    expect(rpcCalls()).toEqual([htableDelete, ulRm]);
  });

  test("setting a first password only drops the cache", async () => {
    const { app } = makeApp();
    await store.write(id, { ha1: null, active: true });
    await app.request(path, signedInit("PUT", path, { ha1: ha1A, active: true }));
    expect(rpcCalls()).toEqual([htableDelete]);
  });

  test("DELETE deactivates: 204, lookups 404, both calls sent", async () => {
    const { app, metrics } = makeApp();
    await store.write(id, { ha1: ha1A, active: true });
    const res = await app.request(path, signedInit("DELETE", path));
    expect(res.status).toBe(204);
    expect(rpcCalls()).toEqual([htableDelete, ulRm, ...endCalls]);
    expect(await redis.client.hgetall(subscriberKey(id))).toEqual({ ha1: "", active: "0" });
    expect((await app.request(`/kamailio/auth?user=${id}&realm=${TEST_REALM}`)).status).toBe(404);
    expect((await app.request(`/kamailio/route?to=${id}`)).status).toBe(404);
    expect(await metrics.provisioning.value({ op: "delete", result: "ok" })).toBe(1);
  });

  test("PUT with active=false also removes registrations and ends calls", async () => {
    const { app } = makeApp();
    await store.write(id, { ha1: ha1A, active: true });
    await app.request(path, signedInit("PUT", path, { ha1: ha1A, active: false }));
    expect(rpcCalls()).toEqual([htableDelete, ulRm, ...endCalls]);
  });

  test("Kamailio down or failing: warned, counted, provisioning still succeeds", async () => {
    const down = makeApp(downRpcUrl);
    expect((await down.app.request(path, signedInit("DELETE", path))).status).toBe(204);
    expect(await down.metrics.kamailioRpcFailures.value({ method: "htable.delete" })).toBe(1);
    expect(await down.metrics.kamailioRpcFailures.value({ method: "ul.rm" })).toBe(1);
    expect(await down.metrics.kamailioRpcFailures.value({ method: "dlg.end_dlg" })).toBe(2);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toContain("kamailio htable.delete for care4w-1000001 failed");

    kamailio.respond(() =>
      Response.json({ jsonrpc: "2.0", error: { code: 500, message: "No such htable" }, id: 1 })
    );
    const failing = makeApp();
    expect((await failing.app.request(path, signedInit("DELETE", path))).status).toBe(204);
    expect(await failing.metrics.kamailioRpcFailures.value({ method: "htable.delete" })).toBe(1);
  });

  test("no secret, HA1 or signature appears in warnings", async () => {
    const { app } = makeApp(downRpcUrl);
    const init = signedInit("PUT", path, { ha1: ha1B, active: true });
    await app.request(path, init);
    const signature = (init.headers as Record<string, string>)["x-careflow-signature"];
    for (const line of warnings) {
      for (const secret of [TEST_API_SECRET, ha1B, signature]) expect(line).not.toContain(secret);
    }
  });
});

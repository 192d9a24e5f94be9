import { afterAll, beforeAll, expect, test } from "bun:test";
import { digestHa1 } from "../../../shared/sip-credentials.ts";
import { createSubscriberStore } from "../subscribers/store.ts";
import { TEST_REALM } from "../testing/fixtures.ts";
import { startHttpStub } from "../testing/http-stub.ts";
import { startTestRedis, type TestRedis } from "../testing/redis-server.ts";
import { createCacheRefill } from "./cache-refill.ts";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => await redis.stop());

test("the refill writes every active HA1 into each node's authcache with the agent's credential", async () => {
  const store = createSubscriberStore(redis.client);
  const ids = ["care4w-2100001", "care4w-2100002", "care4w-2100003"];
  for (const id of ids) {
    await store.write(id, { ha1: digestHa1(id, TEST_REALM, "pw"), active: true });
  }
  await store.write("care4w-2100009", { ha1: null, active: false });
  const nodes = [startHttpStub(), startHttpStub()];
  try {
    for (const node of nodes) node.respond(() => Response.json({ jsonrpc: "2.0", result: null }));
    const refill = createCacheRefill({
      store,
      nodes: nodes.map((n) => ({ url: `${n.url}/RPC`, secret: "sixteen-chars-or-more" })),
      warn: () => {},
    });
    const [first, second] = await Promise.all([refill.refill(), refill.refill()]);
    expect(first).toBe(second); // one refill at a time: the second joined the first
    expect(first.entries).toBe(6);
    expect(first.failed).toBe(0);
    for (const node of nodes) {
      const calls = node.requests.map((r) => JSON.parse(r.body));
      expect(calls.map((c) => c.params[1]).sort()).toEqual(ids);
      expect(calls.every((c) => c.method === "htable.sets" && c.params[0] === "authcache")).toBe(
        true,
      );
      expect(node.requests[0].headers.get("authorization")).toBe(
        `Basic ${btoa("agent:sixteen-chars-or-more")}`,
      );
    }
  } finally {
    for (const node of nodes) node.stop();
  }
});

test("a node that does not answer is skipped after its first failure, not tried per entry", async () => {
  const store = createSubscriberStore(redis.client);
  const warnings: string[] = [];
  const refill = createCacheRefill({
    store,
    nodes: [{ url: "http://127.0.0.1:9/RPC", secret: null }],
    warn: (line) => warnings.push(line),
    concurrency: 1,
  });
  const outcome = await refill.refill();
  expect(outcome.entries).toBe(0);
  expect(outcome.failed).toBe(1);
  expect(warnings.length).toBe(1);
});

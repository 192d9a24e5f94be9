import assert from "node:assert/strict";
import { eventually, inbox, runHubContract } from "./hub-contract.ts";
import { createRedisHub } from "./redis-hub.ts";
import { startTestRedis } from "./redis-test-server.ts";

Deno.test("redis hub passes the hub contract across two instances", async (t) => {
  const redis = await startTestRedis();
  try {
    let run = 0;
    await runHubContract(t, async () => {
      // A fresh prefix per case keeps the cases apart on one server.
      const prefix = `test${++run}:`;
      const h0 = await createRedisHub({ url: redis.url, prefix });
      const h1 = await createRedisHub({ url: redis.url, prefix });
      return {
        hubs: [h0, h1],
        close: async () => void await Promise.all([h0.close(), h1.close()]),
      };
    });

    await t.step("a crashed instance's connections fade from presence", async () => {
      const options = { url: redis.url, prefix: "crash:", presenceTtlMs: 300, heartbeatMs: 50 };
      const doomed = await createRedisHub(options);
      const survivor = await createRedisHub(options);
      try {
        await doomed.register("alice", "a1", inbox().deliver);
        await survivor.register("alice", "a2", inbox().deliver);
        // Heartbeats keep live members present well past the TTL.
        await new Promise((resolve) => setTimeout(resolve, 450));
        assert.equal(await survivor.connectionCount("alice"), 2);
        doomed.abandon();
        await eventually(async () => assert.equal(await survivor.connectionCount("alice"), 1));
      } finally {
        await survivor.close();
      }
    });
  } finally {
    await redis.stop();
  }
});

Deno.test("redis hub refuses an unreachable Redis", async () => {
  // 6409 is outside the reserved range and nothing listens there in tests.
  await assert.rejects(createRedisHub({ url: "redis://127.0.0.1:6409" }));
});

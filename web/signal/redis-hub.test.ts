import assert from "node:assert/strict";
import { freePort } from "../../testing/ports.ts";
import { type RedisServer, startRedis } from "../../testing/redis.ts";
import { eventually, hubContract, inbox } from "./testing/hub-contract.ts";
import { createRedisHub } from "./redis-hub.ts";

let run = 0;
hubContract<RedisServer>({
  name: "redis (two instances)",
  setup: () => startRedis(),
  teardown: (redis) => redis.stop(),
  async open(redis) {
    // A fresh prefix per check keeps the checks apart on one server.
    const prefix = `test${++run}:`;
    const h0 = await createRedisHub({ url: redis.url, prefix });
    const h1 = await createRedisHub({ url: redis.url, prefix });
    return {
      subject: [h0, h1],
      close: async () => void await Promise.all([h0.close(), h1.close()]),
    };
  },
});

Deno.test("redis hub: a crashed instance's connections fade from presence", async () => {
  const redis = await startRedis();
  try {
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
  } finally {
    await redis.stop();
  }
});

Deno.test("redis hub refuses an unreachable Redis", async () => {
  // A free port: nothing listens there.
  await assert.rejects(createRedisHub({ url: `redis://127.0.0.1:${await freePort()}` }));
});

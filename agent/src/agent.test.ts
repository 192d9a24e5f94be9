import { afterAll, beforeAll, expect, test } from "bun:test";
import { freePort } from "../../testing/ports.ts";
import { type Agent, createAgent } from "./agent.ts";
import { testConfig } from "./testing/fixtures.ts";
import { startTestRedis, type TestRedis } from "./testing/redis-server.ts";

// createAgent's own Redis client and server, as main.ts uses them, on port 0.
let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => await redis.stop());

test("start connects Redis, then services, then serves; stop undoes it in reverse", async () => {
  const events: string[] = [];
  let agent: Agent | undefined = undefined;
  const service = {
    name: "recorder",
    start: () => {
      events.push(`start (redis ${agent?.redis.status})`);
      return Promise.resolve();
    },
    stop: () => {
      events.push(`stop (redis ${agent?.redis.status})`);
      return Promise.resolve();
    },
  };
  const warnings: string[] = [];
  agent = createAgent(testConfig(redis.url), {
    services: [service],
    warn: (line) => warnings.push(line),
  });
  expect(agent.redis.status).toBe("wait");
  const address = await agent.start();
  try {
    expect(address.port).toBeGreaterThan(0);
    expect(address.url).toBe(`http://127.0.0.1:${address.port}`);
    const health = await fetch(`${address.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
  } finally {
    await agent.stop();
  }
  expect(events).toEqual(["start (redis ready)", "stop (redis ready)"]);
  expect(agent.redis.status).toBe("end");
  expect(await fetch(`${address.url}/healthz`).catch(() => "refused")).toBe("refused");
  expect(warnings).toEqual([]);
});

test("Redis down at start-up is warned about once, not fatal; no URL is logged", async () => {
  const url = `redis://:redis-password-123@127.0.0.1:${await freePort()}`;
  const warnings: string[] = [];
  const agent = createAgent(testConfig(url), { warn: (line) => warnings.push(line) });
  const address = await agent.start();
  try {
    const health = await fetch(`${address.url}/healthz`);
    expect(health.status).toBe(503);
    expect(health.headers.get("content-type")).toBe("application/problem+json");
    expect(await agent.metrics.redisErrors.value()).toBe(1);
  } finally {
    await agent.stop();
  }
  expect(warnings).toContain("careflow-agent: warning: redis not reachable at start-up; retrying");
  expect(warnings.filter((line) => line.includes("redis error"))).toEqual([
    "careflow-agent: warning: redis error: ECONNREFUSED",
  ]);
  for (const line of warnings) expect(line).not.toContain("redis-password-123");
});

test("a port already taken fails start and leaves nothing running", async () => {
  const first = createAgent(testConfig(redis.url), { warn: () => {} });
  const { port } = await first.start();
  try {
    const second = createAgent(testConfig(redis.url, { port }), { warn: () => {} });
    await expect(second.start()).rejects.toThrow();
    expect(second.redis.status).toBe("end");
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status)).toBe(200);
  } finally {
    await first.stop();
  }
});

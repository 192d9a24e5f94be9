import { afterAll, beforeAll, expect, test } from "bun:test";
import { createServer } from "node:net";
import { startTestRedis, type TestRedis } from "./testing/redis-server.ts";

// The agent as a real process: `bun run src/main.ts`, ended by PID.
const MAIN = new URL("./main.ts", import.meta.url).pathname;
let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => await redis.stop());

function freePort(from: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once(
      "error",
      () => from < 7199 ? resolve(freePort(from + 1)) : reject(new Error("busy")),
    );
    probe.listen(from, "127.0.0.1", () => probe.close(() => resolve(from)));
  });
}

const goodEnv = {
  SIP_CREDENTIAL_SECRET: "main-test-sip-secret",
  INTERNAL_API_SECRET: "main-test-api-secret",
};

test("a bad variable prints one line naming it and exits 1", async () => {
  const proc = Bun.spawn([process.execPath, "run", MAIN], {
    env: { PATH: process.env.PATH ?? "", ...goodEnv, AGENT_PORT: "99999" },
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(await proc.exited).toBe(1);
  const stderr = (await new Response(proc.stderr).text()).trim();
  expect(stderr.split("\n")).toHaveLength(1);
  expect(stderr).toStartWith("careflow-agent: invalid configuration: AGENT_PORT:");
});

test("a missing secret is named without a stack trace", async () => {
  const proc = Bun.spawn([process.execPath, "run", MAIN], {
    env: { PATH: process.env.PATH ?? "", SIP_CREDENTIAL_SECRET: goodEnv.SIP_CREDENTIAL_SECRET },
    stderr: "pipe",
  });
  expect(await proc.exited).toBe(1);
  expect((await new Response(proc.stderr).text()).trim()).toBe(
    "careflow-agent: invalid configuration: INTERNAL_API_SECRET: is required",
  );
});

test("the agent serves on loopback against a real Redis and stops on SIGTERM", async () => {
  const port = await freePort(7150);
  const proc = Bun.spawn([process.execPath, "run", MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      ...goodEnv,
      AGENT_PORT: String(port),
      REDIS_URL: redis.url,
      SIP_DOMAIN: "careflow.test",
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    let health: Response | null = null;
    for (let i = 0; i < 100 && !health; i++) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      if (!health) await Bun.sleep(50);
    }
    expect(health?.status).toBe(200);
    await redis.client.hset(
      "sub:care4w-1000001",
      "ha1",
      "0123456789abcdef0123456789abcdef",
      "active",
      "1",
    );
    const auth = await fetch(
      `http://127.0.0.1:${port}/kamailio/auth?user=care4w-1000001&realm=careflow.test`,
    );
    expect(await auth.json()).toEqual({ ha1: "0123456789abcdef0123456789abcdef" });
  } finally {
    proc.kill("SIGTERM");
  }
  expect(await proc.exited).toBe(0);
  const stdout = await new Response(proc.stdout).text();
  expect(stdout).toContain(`careflow-agent: listening on http://127.0.0.1:${port}`);
});

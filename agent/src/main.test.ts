import { afterAll, beforeAll, expect, test } from "bun:test";
import { freePort } from "../../testing/ports.ts";
import { startProcess } from "../../testing/process.ts";
import { startTestRedis, type TestRedis } from "./testing/redis-server.ts";

// The agent as a real process: `bun run src/main.ts`, ended by PID.
const MAIN = new URL("./main.ts", import.meta.url).pathname;
let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => await redis.stop());

// Every variable the agent reads, set explicitly: the child inherits this process's environment,
// and an empty value counts as unset, so nothing from the caller's shell leaks in.
const UNSET = {
  AGENT_HOST: "",
  AGENT_PORT: "",
  REDIS_URL: "",
  SIP_DOMAIN: "",
  SIP_CREDENTIAL_SECRET: "",
  INTERNAL_API_SECRET: "",
  WEB_URL: "",
  KAMAILIO_RPC_URL: "",
};
const goodEnv = {
  SIP_CREDENTIAL_SECRET: "main-test-sip-secret",
  INTERNAL_API_SECRET: "main-test-api-secret",
};

function startAgent(env: Record<string, string>) {
  return startProcess("agent", process.execPath, ["run", MAIN], { env: { ...UNSET, ...env } });
}

test("a bad variable prints one line naming it and exits 1", async () => {
  const proc = startAgent({ ...goodEnv, AGENT_PORT: "99999" });
  try {
    expect(await proc.exit).toBe(1);
    const stderr = proc.output().trim();
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).toStartWith("careflow-agent: invalid configuration: AGENT_PORT:");
  } finally {
    await proc.stop();
  }
});

test("a missing secret is named without a stack trace", async () => {
  const proc = startAgent({ SIP_CREDENTIAL_SECRET: goodEnv.SIP_CREDENTIAL_SECRET });
  try {
    expect(await proc.exit).toBe(1);
    expect(proc.output().trim()).toBe(
      "careflow-agent: invalid configuration: INTERNAL_API_SECRET: is required",
    );
  } finally {
    await proc.stop();
  }
});

test("several bad variables are listed together, values never printed", async () => {
  const proc = startAgent({ SIP_CREDENTIAL_SECRET: "short-secret", AGENT_PORT: "99999" });
  try {
    expect(await proc.exit).toBe(1);
    expect(proc.output().trim().split("\n")).toEqual([
      "careflow-agent: invalid configuration:",
      expect.stringMatching(/^ {2}- AGENT_PORT: /),
      "  - SIP_CREDENTIAL_SECRET: must be at least 16 characters",
      "  - INTERNAL_API_SECRET: is required",
    ]);
    expect(proc.output()).not.toContain("short-secret");
  } finally {
    await proc.stop();
  }
});

test("the agent serves on loopback against a real Redis and stops on SIGTERM", async () => {
  const port = await freePort();
  const proc = startAgent({
    ...goodEnv,
    AGENT_PORT: String(port),
    REDIS_URL: redis.url,
    SIP_DOMAIN: "careflow.test",
  });
  try {
    await proc.waitFor("GET /healthz", async () => {
      return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200;
    }, 5000);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
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
    await proc.stop();
  }
  expect(await proc.exit).toBe(0);
  expect(proc.output()).toContain(`careflow-agent: listening on http://127.0.0.1:${port}`);
});

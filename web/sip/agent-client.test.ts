/**
 * The agent client against the REAL agent (`bun run agent/src/main.ts`) and a real redis-server:
 * provisioning from web's API reaches the agent's digest lookups, and changes made while the agent
 * is down (never started, or restarting) arrive once it is up, also across a restart of web
 * itself (the outbox in the store). Every port is a free one.
 */
import assert from "node:assert/strict";
import { digestHa1 } from "../../shared/sip-credentials.ts";
import { createLogger } from "../log.ts";
import { createTestApp, SIP_TEST_ENV, SIP_TEST_SECRETS } from "../testing/app.ts";
import { agentHa1, type AgentProcess, startAgent } from "../../testing/agent.ts";
import { freePort } from "../../testing/ports.ts";
import { startRedis } from "../../testing/redis.ts";
import { openSqliteStore } from "../store/sqlite/mod.ts";
import { createAgentClient } from "./agent-client.ts";
import { storeOutbox } from "./agent-outbox.ts";

const DOMAIN = SIP_TEST_ENV.SIP_DOMAIN;

function agentOptions(port: number, redisUrl: string) {
  return {
    port,
    redisUrl,
    sipDomain: DOMAIN,
    sipCredentialSecret: SIP_TEST_SECRETS.credential,
    internalApiSecret: SIP_TEST_SECRETS.internal,
  };
}

Deno.test("rotation and deactivation through web's API reach a real agent", async () => {
  const redis = await startRedis();
  const agent = await startAgent(agentOptions(await freePort(), redis.url)).catch(async (error) => {
    await redis.stop();
    throw error;
  });
  const t = createTestApp({ ...SIP_TEST_ENV, AGENT_URL: agent.url });
  try {
    const boss = await t.signup("boss@x.org", "Boss");
    await t.promote("boss@x.org");
    const cookie = await t.signup("ann@example.org", "Ann");
    const ann = "care4w-1000002";
    assert.equal(await agentHa1(agent.url, ann, DOMAIN), 404, "unknown before provisioning");

    const first = await t.app.request("/api/sip/credentials", {
      method: "POST",
      headers: { cookie },
    });
    const { password } = await first.json();
    assert.equal(t.services.sip!.agent.pending(), 0, "delivered on the first attempt");
    assert.equal(await agentHa1(agent.url, ann, DOMAIN), digestHa1(ann, DOMAIN, password));

    const second = await t.app.request("/api/sip/credentials", {
      method: "POST",
      headers: { cookie },
    });
    const rotated = (await second.json()).password;
    assert.equal(await agentHa1(agent.url, ann, DOMAIN), digestHa1(ann, DOMAIN, rotated));

    const off = await t.app.request(`/api/admin/users/${ann}/deactivate`, {
      method: "POST",
      headers: { cookie: boss },
    });
    assert.equal(off.status, 200);
    assert.equal(t.services.sip!.agent.pending(), 0);
    assert.equal(await agentHa1(agent.url, ann, DOMAIN), 404, "deactivated users get no HA1");
  } finally {
    await t.close();
    await agent.stop();
    await redis.stop();
  }
});

Deno.test("changes made while the agent is down arrive after it starts, and after a restart", async () => {
  const redis = await startRedis();
  const logs: string[] = [];
  const port = await freePort();
  const client = createAgentClient({
    agentUrl: `http://127.0.0.1:${port}`,
    secret: SIP_TEST_SECRETS.internal,
    logger: createLogger("debug", (line) => logs.push(line)),
    initialDelayMs: 100,
    maxDelayMs: 400,
  });
  const t = createTestApp({ ...SIP_TEST_ENV, AGENT_URL: `http://127.0.0.1:${port}` }, {
    agent: client,
  });
  let agent: AgentProcess | null = null;
  try {
    const cookie = await t.signup("ann@example.org", "Ann");
    const rotate = async () => {
      const response = await t.app.request("/api/sip/credentials", {
        method: "POST",
        headers: { cookie },
      });
      assert.equal(response.status, 200, "rotation answers even with the agent down");
      return (await response.json()).password as string;
    };
    const id = "care4w-1000001";

    // Never started yet.
    const password = await rotate();
    assert.equal(client.pending(), 1);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a few failed retries
    assert.ok(logs.filter((line) => /agent unreachable/.test(line)).length >= 2, "retried");
    agent = await startAgent(agentOptions(port, redis.url));
    await client.drained(15_000);
    assert.equal(await agentHa1(agent.url, id, DOMAIN), digestHa1(id, DOMAIN, password));

    // Restarted: down for a while, then back with the same Redis.
    await agent.stop();
    agent = null;
    const later = await rotate();
    assert.equal(client.pending(), 1);
    agent = await startAgent(agentOptions(port, redis.url));
    await client.drained(15_000);
    assert.equal(await agentHa1(agent.url, id, DOMAIN), digestHa1(id, DOMAIN, later));
    assert.ok(!logs.join("\n").includes(later), "the password is never logged");
  } finally {
    await t.close();
    await agent?.stop();
    await redis.stop();
  }
});

Deno.test("only the latest state of a subscriber is delivered; refused requests are logged", async () => {
  const sent: string[] = [];
  let up = false;
  const logs: string[] = [];
  const client = createAgentClient({
    agentUrl: "http://agent.invalid",
    secret: SIP_TEST_SECRETS.internal,
    logger: createLogger("debug", (line) => logs.push(line)),
    initialDelayMs: 10,
    maxDelayMs: 20,
    fetch: (input, init) => {
      if (!up) return Promise.reject(new TypeError("connection refused"));
      sent.push(`${init?.method} ${new URL(String(input)).pathname}`);
      const status = String(input).endsWith("1000009") ? 400 : 200;
      return Promise.resolve(new Response(null, { status }));
    },
  });
  try {
    const ha1 = "0".repeat(32);
    assert.equal(
      await client.push("care4w-1000001", { kind: "upsert", body: { ha1, active: true } }),
      false,
    );
    assert.equal(await client.push("care4w-1000001", { kind: "delete" }), false);
    assert.equal(client.pending(), 1);
    up = true;
    await client.drained(2000);
    assert.deepEqual(sent, ["DELETE /internal/subscribers/care4w-1000001"]);
    assert.equal(await client.push("care4w-1000009", { kind: "delete" }), false);
    assert.equal(client.pending(), 0);
    assert.ok(logs.some((line) => /"level":"error".*refused/.test(line)));
  } finally {
    client.close();
  }
});

Deno.test("a deactivation left undelivered when web stops reaches the agent after web restarts", async () => {
  const redis = await startRedis();
  const port = await freePort();
  const dir = await Deno.makeTempDir({ prefix: "careflow-outbox-" });
  const dbPath = `${dir}/careflow.sqlite`;
  const env = {
    ...SIP_TEST_ENV,
    AGENT_URL: `http://127.0.0.1:${port}`,
  };
  const quickRetries = (logs: string[]) =>
    createAgentClient({
      agentUrl: env.AGENT_URL,
      secret: SIP_TEST_SECRETS.internal,
      logger: createLogger("debug", (line) => logs.push(line)),
      initialDelayMs: 100,
      maxDelayMs: 400,
      outbox: storeOutbox(store, () => new Date()),
    });
  let store = openSqliteStore(dbPath);
  let agent: AgentProcess | null = await startAgent(
    agentOptions(port, redis.url),
  );
  let t = createTestApp(env, { store, agent: quickRetries([]) });
  const ann = "care4w-1000002";
  try {
    const boss = await t.signup("boss@x.org", "Boss");
    await t.promote("boss@x.org");
    const cookie = await t.signup("ann@example.org", "Ann");
    const rotated = await t.app.request("/api/sip/credentials", {
      method: "POST",
      headers: { cookie },
    });
    const { password } = await rotated.json();
    assert.equal(await agentHa1(agent.url, ann, DOMAIN), digestHa1(ann, DOMAIN, password));
    assert.deepEqual(await store.listAgentSync(10), [], "delivered notes are cleared");

    // The agent goes down; the deactivation is noted but cannot be delivered; web then stops.
    await agent.stop();
    agent = null;
    const off = await t.app.request(`/api/admin/users/${ann}/deactivate`, {
      method: "POST",
      headers: { cookie: boss },
    });
    assert.equal(off.status, 200);
    assert.equal(t.services.sip!.agent.pending(), 1);
    t.services.sip!.agent.close();
    await t.close();

    // The agent is back with its Redis: it still holds Ann's HA1 and would let her register.
    agent = await startAgent(agentOptions(port, redis.url));
    assert.equal(await agentHa1(agent.url, ann, DOMAIN), digestHa1(ann, DOMAIN, password));

    // A new web process on the same database takes the note up again.
    store = openSqliteStore(dbPath);
    const logs: string[] = [];
    const client = quickRetries(logs);
    t = createTestApp(env, { store, agent: client });
    assert.equal(await client.resume(), 1);
    await client.drained(15_000);
    assert.equal(await agentHa1(agent.url, ann, DOMAIN), 404, "the deactivation arrived");
    assert.deepEqual(await store.listAgentSync(10), []);
    assert.ok(logs.some((line) => /resuming undelivered/.test(line)));
  } finally {
    await t.close();
    await agent?.stop();
    await redis.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

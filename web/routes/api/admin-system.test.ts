/**
 * `/api/admin/access-trail` (filters validated, impossible dates refused) and
 * `/api/admin/health` (agent, outbox, registrations, sockets; nothing invented).
 */
import assert from "node:assert/strict";
import { Gauge, Registry } from "prom-client";
import { multipart, wavBytes } from "../../recordings/testing/audio.ts";
import { nextEntry } from "../../recordings/trail.ts";
import { createTestApp, SIP_TEST_ENV } from "../../testing/app.ts";
import { createRecordingAgent } from "../../testing/recording-agent.ts";

async function setup(env: Record<string, string> = {}) {
  const t = createTestApp(env, { agent: createRecordingAgent() });
  const boss = await t.signup("boss@example.org", "Boss");
  await t.promote("boss@example.org");
  const ann = await t.signup("ann@example.org", "Ann Carer");
  const get = (path: string, cookie = boss) => t.app.request(path, { headers: { cookie } });
  return { t, boss, ann, get };
}

Deno.test("the access trail is filtered by person, recording and days, newest first", async () => {
  const { t, ann, get } = await setup();
  try {
    // A real play through the API, then older entries written straight to the chain.
    const { recording } = await (await t.app.request(
      "/api/recordings/upload",
      multipart({ type: "call", duration: "1" }, wavBytes(1), { cookie: ann }),
    )).json();
    const media = await t.app.request(`/api/recordings/${recording.id}/media`, {
      headers: { cookie: ann },
    });
    await media.body?.cancel();
    const annId = (await t.services.store.findUserByEmail("ann@example.org"))!.id;
    for (
      const [at, actorUserId] of [["2026-02-27T23:30:00Z", annId], ["2026-02-28T10:00:00Z", null]]
    ) {
      await t.services.store.appendTrail((last) =>
        nextEntry(last, {
          at: new Date(at!),
          actorUserId,
          recordingId: "old-recording",
          action: actorUserId ? "download" : "purge",
          ip: null,
          userAgent: null,
        })
      );
    }
    const trail = async (query: string) => {
      const response = await get(`/api/admin/access-trail${query}`);
      assert.equal(response.status, 200, query);
      assert.equal(response.headers.get("cache-control"), "no-store");
      return await response.json();
    };
    const all = await trail("");
    assert.deepEqual(all.entries.map((e: { seq: number }) => e.seq), [3, 2, 1]);
    assert.equal(all.next, null);
    assert.deepEqual(all.entries[2], {
      seq: 1,
      at: all.entries[2].at,
      action: "play",
      recordingId: recording.id,
      actor: { care4wId: "care4w-1000002", displayName: "Ann Carer" },
      ip: null,
      userAgent: null,
    });
    assert.equal(all.entries[0].actor, null, "the sweeper");
    const seqs = async (query: string) =>
      (await trail(query)).entries.map((e: { seq: number }) => e.seq);
    assert.deepEqual(await seqs("?user=care4w-1000002"), [2, 1]);
    assert.deepEqual(await seqs(`?recording=${recording.id}`), [1]);
    assert.deepEqual(await seqs("?user=care4w-1000001"), [], "the admin never played one");
    assert.deepEqual(await seqs("?user=care4w-1999999"), [], "nobody has that ID");
    assert.deepEqual(await seqs("?from=2026-02-28&to=2026-02-28"), [3]);
    // 23:30 UTC on the 27th is already the 28th in Paris.
    assert.deepEqual(await seqs("?from=2026-02-28&to=2026-02-28&tz=Europe/Paris"), [3, 2]);
    assert.deepEqual(await seqs("?to=2026-02-27"), [2]);
    assert.deepEqual(await seqs("?user=&recording=&from=&to="), [3, 2, 1], "blank is absent");
    const later = await trail("?page=2");
    assert.deepEqual([later.entries, later.page, later.next], [[], 2, null]);
  } finally {
    await t.close();
  }
});

Deno.test("trail filters are validated: impossible dates and bad values are 400", async () => {
  const { t, ann, get } = await setup();
  try {
    for (
      const bad of [
        "from=2026-02-30",
        "to=2026-13-01",
        "from=yesterday",
        "from=2026-03-02&to=2026-03-01",
        "user=bob",
        "recording=../../etc",
        "tz=Mars/Olympus",
        "page=0",
        "page=1001",
        "page=two",
        "page=1&page=2",
        "actor=care4w-1000001",
      ]
    ) {
      const refused = await get(`/api/admin/access-trail?${bad}`);
      assert.equal(refused.status, 400, bad);
      assert.equal(refused.headers.get("content-type"), "application/problem+json");
      await refused.body?.cancel();
    }
    for (const path of ["/api/admin/access-trail", "/api/admin/health"]) {
      const forbidden = await get(path, ann);
      assert.equal(forbidden.status, 403, path);
      await forbidden.body?.cancel();
      const anonymous = await t.app.request(path);
      assert.equal(anonymous.status, 401, path);
      await anonymous.body?.cancel();
    }
  } finally {
    await t.close();
  }
});

Deno.test("health without SIP: not configured, the outbox as stored, this server's sockets", async () => {
  const { t, get } = await setup();
  try {
    const health = await (await get("/api/admin/health")).json();
    assert.deepEqual(health.agent, { status: "not-configured" });
    assert.deepEqual(health.registrations, { status: "not-configured" });
    assert.deepEqual(health.outbox, {
      pending: 0,
      capped: false,
      oldestQueuedAt: null,
      retryingHere: null,
    });
    assert.deepEqual(health.signaling, { sockets: 0 });
    const queuedAt = new Date("2026-03-01T09:00:00Z");
    await t.services.store.queueAgentSync("care4w-1000002", queuedAt);
    await t.services.store.queueAgentSync("care4w-1000001", new Date(queuedAt.getTime() + 1000));
    const after = await (await get("/api/admin/health")).json();
    assert.equal(after.outbox.pending, 2);
    assert.equal(after.outbox.oldestQueuedAt, queuedAt.toISOString());
  } finally {
    await t.close();
  }
});

/** A stand-in for the agent's operational endpoints, its metrics rendered by prom-client. */
function standInAgent(registrations: Record<string, number> | null, evapi = 1) {
  const registry = new Registry();
  if (registrations) {
    const gauge = new Gauge({
      name: "careflow_agent_registrations",
      help: "SIP contacts registered at Kamailio now, by transport.",
      labelNames: ["transport"],
      registers: [registry],
    });
    for (const [transport, count] of Object.entries(registrations)) gauge.set({ transport }, count);
    new Gauge({ name: "careflow_agent_evapi_connected", help: "evapi", registers: [registry] })
      .set(evapi);
  }
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/healthz") return Response.json({ status: "ok" });
    if (path === "/metrics") return new Response(await registry.metrics());
    return new Response("not found", { status: 404 });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

Deno.test("health with SIP: the agent reachable, and registrations as it reports them", async () => {
  const agent = standInAgent({ udp: 2, wss: 1, tcp: 0 });
  const { t, get } = await setup({ ...SIP_TEST_ENV, AGENT_URL: agent.url });
  try {
    const health = await (await get("/api/admin/health")).json();
    assert.equal(health.agent.status, "ok");
    assert.equal(typeof health.agent.latencyMs, "number");
    assert.deepEqual(health.registrations, {
      status: "available",
      total: 3,
      byTransport: { udp: 2, wss: 1, tcp: 0 },
    });
    assert.equal(health.outbox.retryingHere, 0);
  } finally {
    await t.close();
    await agent.close();
  }
});

Deno.test("health with SIP: no registration figures when the agent has none to give", async () => {
  for (
    const [agent, reason] of [
      [standInAgent(null), /does not report registrations/],
      [standInAgent({ udp: 5 }, 0), /not connected/],
    ] as const
  ) {
    const { t, get } = await setup({ ...SIP_TEST_ENV, AGENT_URL: agent.url });
    try {
      const health = await (await get("/api/admin/health")).json();
      assert.equal(health.agent.status, "ok");
      assert.equal(health.registrations.status, "not-available");
      assert.match(health.registrations.reason, reason);
      assert.equal(health.registrations.total, undefined, "no number made up");
    } finally {
      await t.close();
      await agent.close();
    }
  }
  // Nothing listens at SIP_TEST_ENV's agent address.
  const { t, get } = await setup(SIP_TEST_ENV);
  try {
    const health = await (await get("/api/admin/health")).json();
    assert.equal(health.agent.status, "unreachable");
    assert.equal(health.registrations.status, "not-available");
  } finally {
    await t.close();
  }
});

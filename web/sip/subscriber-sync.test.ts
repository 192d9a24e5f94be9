/**
 * Kamailio reads each user's CareFlow name and "record my calls" setting from the agent, so web
 * pushes them with every subscriber change: the rotation push, the outbox replay and a change of
 * the setting in `PATCH /api/me/settings`. The settings routes are mounted here with the app's
 * own SIP edge (the app mounts them the same way once `sip` is passed to them).
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { problemHandler } from "../../shared/http/problem.ts";
import type { AppEnv } from "../http/env.ts";
import { loadSession } from "../middleware/session.ts";
import { settingsRoutes } from "../routes/api/settings.ts";
import { createTestApp, SIP_TEST_ENV } from "../testing/app.ts";
import { createRecordingAgent } from "../testing/recording-agent.ts";
import { storeOutbox } from "./agent-outbox.ts";

/** The test app, and its settings routes wired to its SIP edge. */
async function setup() {
  const agent = createRecordingAgent();
  const t = createTestApp(SIP_TEST_ENV, { agent });
  const settings = new Hono<AppEnv>();
  settings.use("*", loadSession(t.services.sessions));
  settings.route(
    "/api/me/settings",
    settingsRoutes({
      users: t.services.store,
      retention: t.services.config.recordings.retention,
      sip: t.services.sip,
      organisationNumbers: [],
    }),
  );
  settings.onError(problemHandler(() => {}));
  const cookie = await t.signup("ann@example.org", "Ann Example");
  const patch = (body: unknown) =>
    settings.request("/api/me/settings", {
      method: "PATCH",
      headers: { cookie, "content-type": "application/json", origin: "http://localhost" },
      body: JSON.stringify(body),
    });
  return { t, agent, patch };
}

Deno.test("turning 'record my calls' on and off pushes the whole state to the agent", async () => {
  const { t, agent, patch } = await setup();
  try {
    const on = await patch({ recordCalls: true });
    assert.equal(on.status, 200, await on.clone().text());
    assert.deepEqual(agent.pushes, [{
      care4wId: "care4w-1000001",
      change: {
        kind: "upsert",
        body: { ha1: null, active: true, displayName: "Ann Example", recordCalls: true },
      },
    }]);
    // Off: absent means off (the agent replaces its entry).
    assert.equal((await patch({ recordCalls: false })).status, 200);
    assert.deepEqual(agent.pushes[1].change, {
      kind: "upsert",
      body: { ha1: null, active: true, displayName: "Ann Example" },
    });
  } finally {
    await t.close();
  }
});

Deno.test("a settings change that leaves recording alone pushes nothing", async () => {
  const { t, agent, patch } = await setup();
  try {
    assert.equal((await patch({ recordCalls: false })).status, 200);
    const { minDays } = t.services.config.recordings.retention;
    assert.equal((await patch({ retentionDays: minDays })).status, 200);
    assert.deepEqual(agent.pushes, []);
  } finally {
    await t.close();
  }
});

Deno.test("the rotation push and the outbox replay carry the recording setting", async () => {
  const { t, agent, patch } = await setup();
  try {
    assert.equal((await patch({ recordCalls: true })).status, 200);
    const user = (await t.services.store.findUserByCare4wId("care4w-1000001"))!;
    const rotated = await t.services.sip!.phones.rotate(user);
    assert.equal(rotated.delivered, true);
    const last = agent.pushes.at(-1)!.change;
    assert.equal(last.kind, "upsert");
    assert.equal(last.kind === "upsert" && last.body.recordCalls, true);
    const replay = await storeOutbox(t.services.store, () => new Date()).currentState(
      "care4w-1000001",
    );
    assert.deepEqual(replay, last);
    assert.deepEqual(await t.services.sip!.phones.subscriber("care4w-1000001"), {
      care4wId: "care4w-1000001",
      ...(last.kind === "upsert" ? last.body : {}),
    });
  } finally {
    await t.close();
  }
});

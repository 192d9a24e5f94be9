/**
 * `/api/users/settings`: the seed's settings read, patched as a deep partial (validated whole:
 * unknown keys, bad zones, out-of-bounds retention are a 400 problem and change nothing) and
 * reset; `privacy.autoRecord` and `privacy.retentionDays` are the very `recordCalls` and
 * `retentionDays` of `/api/me/settings`, pushed to the SIP agent the same way.
 */
import assert from "node:assert/strict";
import { DEFAULT_SETTINGS } from "../../../shared/settings.ts";
import { createTestApp, SIP_TEST_ENV, type TestApp } from "../../testing/app.ts";
import { createRecordingAgent } from "../../testing/recording-agent.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";

const BOUNDS = { RETENTION_DAYS_MIN: "7", RETENTION_DAYS_MAX: "90" };

const send = (t: TestApp, cookie: string, method: string, path: string, body?: unknown) =>
  t.app.request(`/api/users/settings${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const read = async (t: TestApp, cookie: string) =>
  (await (await send(t, cookie, "GET", "")).json()).settings;

Deno.test("a new user reads the defaults; a patch changes only what it names", async () => {
  const t = createTestApp(BOUNDS);
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    const bob = await t.signup("bob@example.org", "Bob Nurse");
    const first = await send(t, ann, "GET", "");
    assert.equal(first.headers.get("cache-control"), "no-store");
    assert.deepEqual((await first.json()).settings, DEFAULT_SETTINGS);

    const saved = await send(t, ann, "PATCH", "", {
      notifications: { sound: false },
      display: { timezone: "Asia/Kathmandu", timeFormat: "24h" },
      privacy: { showOnlineStatus: false },
    });
    assert.equal(saved.status, 200, await saved.clone().text());
    const expected = structuredClone(DEFAULT_SETTINGS);
    expected.notifications.sound = false;
    expected.display = { timezone: "Asia/Kathmandu", dateFormat: "locale", timeFormat: "24h" };
    expected.privacy.showOnlineStatus = false;
    assert.deepEqual((await saved.json()).settings, expected);
    assert.deepEqual(await read(t, ann), expected, "kept");
    assert.deepEqual(await read(t, bob), DEFAULT_SETTINGS, "another user's are their own");

    // A second patch keeps the first one's changes.
    await send(t, ann, "PATCH", "", { audio: { inputDeviceId: "mic-2", echoCancellation: false } });
    const after = await read(t, ann);
    assert.equal(after.notifications.sound, false);
    assert.equal(after.audio.inputDeviceId, "mic-2");
    assert.equal(after.audio.echoCancellation, false);
    assert.equal(after.audio.noiseSuppression, true);
  } finally {
    await t.close();
  }
});

Deno.test("bad input is a 400 problem naming the field, and changes nothing", async () => {
  const t = createTestApp(BOUNDS);
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    const cases: [unknown, string][] = [
      [{ display: { timezone: "Mars/Olympus" } }, "display.timezone"],
      [{ display: { timezone: "UTC", colour: "teal" } }, "display"],
      [{ theme: { dark: true } }, ""],
      [{ privacy: { retentionDays: 6 } }, "privacy.retentionDays"],
      [{ privacy: { retentionDays: 91, autoRecord: true } }, "privacy.retentionDays"],
      [{ notifications: { sound: "off" } }, "notifications.sound"],
      [
        { display: { dateFormat: "YY" }, privacy: { allowDirectCalls: false } },
        "display.dateFormat",
      ],
      [{}, ""],
    ];
    for (const [body, field] of cases) {
      const refused = await send(t, ann, "PATCH", "", body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.headers.get("content-type"), "application/problem+json");
      const problem = await refused.json();
      if (field) {
        assert.ok(
          problem.errors.some((e: { field: string }) => e.field.startsWith(field)),
          `${JSON.stringify(body)}: ${JSON.stringify(problem.errors)}`,
        );
      }
    }
    const notJson = await t.app.request("/api/users/settings", {
      method: "PATCH",
      headers: { cookie: ann, "content-type": "text/plain" },
      body: "{}",
    });
    assert.equal(notJson.status, 415);
    assert.deepEqual(await read(t, ann), DEFAULT_SETTINGS, "nothing changed");
    const me = (await (await t.app.request("/api/me/settings", { headers: { cookie: ann } }))
      .json()).settings;
    assert.equal(me.recordCalls, false, "the refused autoRecord was not applied either");
    assert.equal((await t.app.request("/api/users/settings")).status, 401);
  } finally {
    await t.close();
  }
});

Deno.test("autoRecord and retentionDays are recordCalls and retentionDays, pushed to the SIP agent", async () => {
  const agent = createRecordingAgent();
  const t = createTestApp({ ...SIP_TEST_ENV, ...BOUNDS }, { agent });
  try {
    const ann = await t.signup("ann@example.org", "Ann Example");
    const on = await send(t, ann, "PATCH", "", {
      privacy: { autoRecord: true, retentionDays: 60 },
    });
    assert.equal(on.status, 200, await on.clone().text());
    const me = await (await t.app.request("/api/me/settings", { headers: { cookie: ann } })).json();
    assert.equal(me.settings.recordCalls, true);
    assert.equal(me.settings.retentionDays, 60);
    const token = await (await t.app.request("/api/token", { headers: { cookie: ann } })).json();
    assert.equal(token.recordCalls, true, "the phone records this user's calls from now on");
    assert.deepEqual(agent.pushes.map((p) => p.change), [{
      kind: "upsert",
      body: { ha1: null, active: true, displayName: "Ann Example", recordCalls: true },
    }]);

    // Changed through /api/me/settings: the new endpoint shows the same fields.
    await t.app.request("/api/me/settings", {
      method: "PATCH",
      headers: { cookie: ann, "content-type": "application/json" },
      body: JSON.stringify({ retentionDays: 14 }),
    });
    assert.equal((await read(t, ann)).privacy.retentionDays, 14);

    // A change of something else does not bother the agent.
    await send(t, ann, "PATCH", "", { privacy: { autoRecord: true, notifyOnRecord: false } });
    assert.equal(agent.pushes.length, 1);
  } finally {
    await t.close();
  }
});

Deno.test("reset puts every default back, recording off included (and tells the agent)", async () => {
  const agent = createRecordingAgent();
  const t = createTestApp({ ...SIP_TEST_ENV, ...BOUNDS }, { agent });
  try {
    const ann = await t.signup("ann@example.org", "Ann Example");
    await send(t, ann, "PATCH", "", {
      notifications: { incoming: false },
      display: { dateFormat: "DD/MM/YYYY" },
      privacy: { autoRecord: true, retentionDays: 80, blockAnonymousCalls: true },
    });
    const reset = await send(t, ann, "POST", "/reset");
    assert.equal(reset.status, 200);
    assert.deepEqual((await reset.json()).settings, DEFAULT_SETTINGS);
    assert.deepEqual(await read(t, ann), DEFAULT_SETTINGS);
    assert.equal(agent.pushes.length, 2, "recording on, then off");
    assert.deepEqual(agent.pushes[1].change, {
      kind: "upsert",
      body: { ha1: null, active: true, displayName: "Ann Example" },
    });
  } finally {
    await t.close();
  }
});

Deno.test("who may ring the user over SIP reaches the agent; other changes do not", async () => {
  const agent = createRecordingAgent();
  const t = createTestApp({ ...SIP_TEST_ENV, ...BOUNDS }, { agent });
  try {
    const ann = await t.signup("ann@example.org", "Ann Example");
    await send(t, ann, "PATCH", "", { display: { dateFormat: "DD/MM/YYYY" } });
    assert.equal(agent.pushes.length, 0, "a display change is none of the agent's business");
    await send(t, ann, "PATCH", "", { presence: { doNotDisturb: true } });
    await send(t, ann, "PATCH", "", { privacy: { allowDirectCalls: false } });
    const bodies = agent.pushes.map((p) => p.change.kind === "upsert" ? p.change.body : null);
    assert.deepEqual(bodies, [
      { ha1: null, active: true, displayName: "Ann Example", doNotDisturb: true },
      {
        ha1: null,
        active: true,
        displayName: "Ann Example",
        doNotDisturb: true,
        allowDirectCalls: false,
      },
    ]);
    await send(t, ann, "POST", "/reset");
    assert.deepEqual(agent.pushes.at(-1)!.change, {
      kind: "upsert",
      body: { ha1: null, active: true, displayName: "Ann Example" },
    });
  } finally {
    await t.close();
  }
});

Deno.test("a patch on one instance keeps what another instance saved a moment before", async () => {
  const store = openSqliteStore(":memory:");
  const a = createTestApp(BOUNDS, { store });
  const b = createTestApp(BOUNDS, { store });
  try {
    const ann = await a.signup("ann@example.org", "Ann Carer");
    const annId = (await store.findUserByEmail("ann@example.org"))!.id;
    // Instance A has Ann's settings in its read cache (a colleague looked her up, say).
    await a.services.store.getUserSettings(annId);
    const onB = await send(b, ann, "PATCH", "", { notifications: { sound: false } });
    assert.equal(onB.status, 200, await onB.clone().text());
    const onA = await send(a, ann, "PATCH", "", { display: { timeFormat: "24h" } });
    assert.equal(onA.status, 200, await onA.clone().text());
    const settings = await read(b, ann);
    assert.equal(settings.display.timeFormat, "24h");
    assert.equal(settings.notifications.sound, false, "B's change survived A's patch");
  } finally {
    await b.close().catch(() => {});
    await a.close().catch(() => {});
  }
});

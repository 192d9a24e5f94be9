import assert from "node:assert/strict";
import { createTestApp, SIP_TEST_ENV } from "../../testing/app.ts";
import { createRecordingAgent } from "../../testing/recording-agent.ts";

async function setup(env: Record<string, string> = SIP_TEST_ENV) {
  const agent = createRecordingAgent();
  const t = createTestApp(env, { agent });
  const boss = await t.signup("boss@example.org", "Boss");
  await t.promote("boss@example.org");
  const ann = await t.signup("ann@example.org", "Ann");
  const request = (id: string, cookie?: string) => {
    const headers: Record<string, string> = cookie ? { cookie } : {};
    return t.app.request(`/api/admin/users/${id}/deactivate`, { method: "POST", headers });
  };
  return { t, agent, boss, ann, request };
}

Deno.test("every sign-up is a user; an admin promotes and demotes others, not the last admin", async () => {
  const { t, boss, ann } = await setup();
  const me = async (cookie: string) =>
    (await (await t.app.request("/api/me", { headers: { cookie } })).json()).user.role;
  assert.equal(await me(boss), "admin", "made by the operator");
  assert.equal(await me(ann), "user");
  const role = (id: string, body: unknown, cookie: string) =>
    t.app.request(`/api/admin/users/${id}/role`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { cookie, "content-type": "application/json" },
    });
  assert.equal((await role("care4w-1000001", { role: "admin" }, ann)).status, 403, "users may not");
  assert.equal((await role("care4w-1000002", { role: "root" }, boss)).status, 400);
  assert.equal(
    (await role("care4w-1000001", { role: "user" }, boss)).status,
    409,
    "not the last admin",
  );
  assert.equal((await role("care4w-1000002", { role: "admin" }, boss)).status, 200);
  assert.equal(await me(ann), "admin");
  assert.equal((await role("care4w-1000002", { role: "user" }, boss)).status, 200);
  assert.equal(await me(ann), "user");
  await t.close();
});

Deno.test("an admin deactivates a user: inactive, sessions ended, DELETE pushed to the agent", async () => {
  const { t, agent, boss, ann, request } = await setup();
  const response = await request("care4w-1000002", boss);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { care4wId: "care4w-1000002", active: false });
  const user = (await t.services.store.findUserByCare4wId("care4w-1000002"))!;
  assert.equal(user.isActive, false);
  assert.equal((await t.app.request("/api/me", { headers: { cookie: ann } })).status, 401);
  assert.deepEqual(agent.pushes, [{ care4wId: "care4w-1000002", change: { kind: "delete" } }]);
  await t.close();
});

Deno.test("deactivation needs an admin session: 401 without, 403 for a user", async () => {
  const { t, agent, ann, request } = await setup();
  const anonymous = await request("care4w-1000001");
  assert.equal(anonymous.status, 401);
  const forbidden = await request("care4w-1000001", ann);
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.headers.get("content-type"), "application/problem+json");
  assert.equal((await t.services.store.findUserByCare4wId("care4w-1000001"))!.isActive, true);
  assert.equal(agent.pushes.length, 0);
  await t.close();
});

Deno.test("unknown, malformed or own CareFlow ID: 404, 400, 409", async () => {
  const { t, boss, request } = await setup();
  assert.equal((await request("care4w-1999999", boss)).status, 404);
  const malformed = await request("bob", boss);
  assert.equal(malformed.status, 400);
  assert.equal((await malformed.json()).errors[0].field, "(root)");
  assert.equal((await request("care4w-1000001", boss)).status, 409);
  await t.close();
});

Deno.test("without SIP, deactivation still works and pushes nothing", async () => {
  const { t, agent, boss, request } = await setup({});
  assert.equal((await request("care4w-1000002", boss)).status, 200);
  assert.equal(agent.pushes.length, 0);
  await t.close();
});

Deno.test("an admin lists people in CareFlow ID order, without secrets; users may not", async () => {
  const { t, boss, ann, request } = await setup();
  await t.services.store.createUser({
    email: "fb@example.org",
    displayName: "Fb",
    passwordHash: null,
    firebaseUid: "firebase-uid-1",
  });
  assert.equal((await request("care4w-1000002", boss)).status, 200, "Ann deactivated");
  const list = (cookie: string, query = "") =>
    t.app.request(`/api/admin/users${query}`, { headers: { cookie } });
  assert.equal((await list(ann)).status, 401, "Ann's session ended with the deactivation");
  const listed = await list(boss);
  assert.equal(listed.status, 200);
  assert.equal(listed.headers.get("cache-control"), "no-store");
  const body = await listed.json();
  assert.equal(body.next, null);
  assert.deepEqual(
    body.users.map((u: Record<string, unknown>) => [u.care4wId, u.role, u.active, u.local]),
    [
      ["care4w-1000001", "admin", true, true],
      ["care4w-1000002", "user", false, true],
      ["care4w-1000003", "user", true, false],
    ],
  );
  assert.deepEqual(Object.keys(body.users[0]).sort(), [
    "active",
    "care4wId",
    "displayName",
    "email",
    "lastLoginAt",
    "local",
    "phonePassword",
    "role",
  ]);
  const after = await (await list(boss, "?after=care4w-1000002")).json();
  assert.deepEqual(after.users.map((u: { care4wId: string }) => u.care4wId), ["care4w-1000003"]);
  assert.equal((await list(boss, "?after=bob")).status, 400);
  const bob = await t.signup("bob@example.org", "Bob");
  assert.equal((await list(bob)).status, 403);
  await t.close();
});

Deno.test("an admin reactivates a user: they sign in again, and the agent gets them back", async () => {
  const { t, agent, boss, request } = await setup();
  assert.equal((await request("care4w-1000002", boss)).status, 200);
  const login = () =>
    t.app.request("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ann@example.org", password: "correct horse battery" }),
    });
  assert.equal((await login()).status, 401, "deactivated");
  const reactivate = (cookie: string) =>
    t.app.request("/api/admin/users/care4w-1000002/reactivate", {
      method: "POST",
      headers: { cookie },
    });
  const bob = await t.signup("bob@example.org", "Bob");
  assert.equal((await reactivate(bob)).status, 403);
  const back = await reactivate(boss);
  assert.equal(back.status, 200);
  assert.deepEqual(await back.json(), { care4wId: "care4w-1000002", active: true });
  assert.equal((await login()).status, 200);
  assert.deepEqual(agent.pushes.map((p) => p.change.kind), ["delete", "upsert"]);
  const change = agent.pushes[1].change;
  assert.equal(change.kind === "upsert" && change.body.active, true);
  await t.close();
});

Deno.test("the people list comes a hundred at a time", async () => {
  const { t, boss } = await setup({});
  for (let n = 0; n < 100; n++) {
    await t.services.store.createUser({
      email: `p${n}@example.org`,
      displayName: `Person ${n}`,
      passwordHash: "$argon2id$unused",
      firebaseUid: null,
    });
  }
  const page = async (query: string) =>
    await (await t.app.request(`/api/admin/users${query}`, { headers: { cookie: boss } })).json();
  const first = await page("");
  assert.equal(first.users.length, 100);
  assert.equal(first.next, "care4w-1000100");
  const second = await page(`?after=${first.next}`);
  assert.deepEqual(second.users.map((u: { care4wId: string }) => u.care4wId), [
    "care4w-1000101",
    "care4w-1000102",
  ]);
  assert.equal(second.next, null);
  await t.close();
});

/**
 * The Admin section's people API: server-side search, phone-password status (never the
 * password), and roles with the last-admin rule.
 */
import assert from "node:assert/strict";
import { createTestApp, jsonPost, SIP_TEST_ENV } from "../../testing/app.ts";
import { createRecordingAgent } from "../../testing/recording-agent.ts";

async function setup(env: Record<string, string> = {}) {
  const t = createTestApp(env, { agent: createRecordingAgent() });
  const boss = await t.signup("boss@example.org", "Boss");
  await t.promote("boss@example.org");
  const ann = await t.signup("ann.carer@example.org", "Ann Carer");
  await t.signup("bob@example.org", "Bob Nurse");
  const get = (path: string, cookie = boss) => t.app.request(path, { headers: { cookie } });
  const role = (care4wId: string, value: string, cookie = boss) =>
    t.app.request(
      `/api/admin/users/${care4wId}/role`,
      jsonPost({ role: value }, { cookie }),
    );
  return { t, boss, ann, get, role };
}

const ids = async (response: Response) =>
  (await response.json()).users.map((u: { care4wId: string }) => u.care4wId);

Deno.test("admins search people by name, email or CareFlow ID on the server", async () => {
  const { t, ann, get } = await setup();
  try {
    assert.deepEqual(await ids(await get("/api/admin/users?q=carer")), ["care4w-1000002"]);
    assert.deepEqual(await ids(await get("/api/admin/users?q=BOB%40EXAMPLE")), [
      "care4w-1000003",
    ]);
    assert.deepEqual(await ids(await get("/api/admin/users?q=care4w-1000001")), [
      "care4w-1000001",
    ]);
    assert.deepEqual(await ids(await get("/api/admin/users?q=example.org")), [
      "care4w-1000001",
      "care4w-1000002",
      "care4w-1000003",
    ]);
    assert.deepEqual(await ids(await get("/api/admin/users?q=%25")), [], "% is just a character");
    assert.deepEqual(await ids(await get("/api/admin/users?q=")), [
      "care4w-1000001",
      "care4w-1000002",
      "care4w-1000003",
    ], "a blank search lists everyone");
    assert.deepEqual(
      await ids(await get("/api/admin/users?q=example&after=care4w-1000002")),
      ["care4w-1000003"],
      "searches page like the list",
    );
    for (const bad of [`q=${"x".repeat(101)}`, "q=a%00b", "q=a&q=b", "after=nobody", "sort=name"]) {
      const refused = await get(`/api/admin/users?${bad}`);
      assert.equal(refused.status, 400, bad);
      assert.equal(refused.headers.get("content-type"), "application/problem+json");
      await refused.body?.cancel();
    }
    const forbidden = await get("/api/admin/users?q=boss", ann);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.headers.get("content-type"), "application/problem+json");
    await forbidden.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("each person shows whether they have a phone password, never the password", async () => {
  const { t, ann, get } = await setup(SIP_TEST_ENV);
  try {
    const made = await t.app.request("/api/sip/credentials", {
      method: "POST",
      headers: { cookie: ann },
    });
    assert.equal(made.status, 200);
    const { password } = await made.json();
    assert.ok(typeof password === "string" && password.length > 8);
    const listed = await get("/api/admin/users");
    const text = await listed.text();
    assert.ok(!text.includes(password), "the password never reaches the admin");
    const stored = await t.services.store.getSipCredential(
      (await t.services.store.findUserByCare4wId("care4w-1000002"))!.id,
    );
    assert.ok(!text.includes(stored!.ha1) && !text.includes(stored!.encryptedPassword));
    const users = JSON.parse(text).users as { care4wId: string; phonePassword: boolean }[];
    assert.deepEqual(users.map((u) => [u.care4wId, u.phonePassword]), [
      ["care4w-1000001", false],
      ["care4w-1000002", true],
      ["care4w-1000003", false],
    ]);
  } finally {
    await t.close();
  }
});

Deno.test("an admin may stop being one unless they are the last active admin", async () => {
  const { t, boss, ann, role } = await setup();
  const me = async (cookie: string) =>
    (await (await t.app.request("/api/me", { headers: { cookie } })).json()).user.role;
  try {
    const last = await role("care4w-1000001", "user");
    assert.equal(last.status, 409);
    assert.equal(last.headers.get("content-type"), "application/problem+json");
    assert.match((await last.json()).detail, /last active admin/);
    assert.equal(await me(boss), "admin");

    assert.equal((await role("care4w-1000002", "admin")).status, 200);
    assert.equal(await me(ann), "admin");
    // Another admin now exists, but deactivated: they could not run CareFlow.
    assert.equal(
      (await t.app.request("/api/admin/users/care4w-1000002/deactivate", {
        method: "POST",
        headers: { cookie: boss },
      })).status,
      200,
    );
    assert.equal((await role("care4w-1000001", "user")).status, 409, "a deactivated admin");
    assert.equal(
      (await t.app.request("/api/admin/users/care4w-1000002/reactivate", {
        method: "POST",
        headers: { cookie: boss },
      })).status,
      200,
    );
    const stepDown = await role("care4w-1000001", "user");
    assert.equal(stepDown.status, 200);
    assert.deepEqual(await stepDown.json(), { care4wId: "care4w-1000001", role: "user" });
    assert.equal(await me(boss), "user", "at once, in this instance too");
    const gone = await t.app.request("/api/admin/users", { headers: { cookie: boss } });
    assert.equal(gone.status, 403);
    await gone.body?.cancel();
    assert.equal((await role("care4w-1000003", "user")).status, 403, "no admin any more");
    assert.equal((await role("care4w-1000003", "superuser")).status, 403, "checked before");
    assert.equal((await role("care4w-1000003", "admin", "")).status, 401, "signed out");
  } finally {
    await t.close();
  }
});

/**
 * `/api/account`: a person's own display name, password and other sessions (issue 14), through
 * the real app with real argon2 at a test cost.
 */
import assert from "node:assert/strict";
import { createTestApp, jsonPost, SIP_TEST_ENV, type TestApp } from "../../testing/app.ts";
import { createRecordingAgent } from "../../testing/recording-agent.ts";

const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "purple staple battery";

const login = (t: TestApp, email: string, password: string) =>
  t.app.request("/api/auth/login", jsonPost({ email, password }));

/** A second (third…) session of `email`, as another device signing in. */
async function signIn(t: TestApp, email: string, password = PASSWORD): Promise<string> {
  const response = await login(t, email, password);
  assert.equal(response.status, 200, await response.clone().text());
  return response.headers.getSetCookie().find((c) => c.startsWith("cf_session="))!.split(";")[0];
}

const changePassword = (t: TestApp, cookie: string, currentPassword: string, newPassword: string) =>
  t.app.request("/api/account/password", jsonPost({ currentPassword, newPassword }, { cookie }));

const me = async (t: TestApp, cookie: string) => {
  const response = await t.app.request("/api/me", { headers: { cookie } });
  await response.body?.cancel();
  return response.status;
};

Deno.test("a password change needs the current one; then only the new one works, here only", async () => {
  const t = createTestApp();
  try {
    const here = await t.signup("ann@example.org", "Ann");
    const laptop = await signIn(t, "ann@example.org");
    const bob = await t.signup("bob@example.org", "Bob");

    const wrong = await changePassword(t, here, "not my password", NEW_PASSWORD);
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get("content-type"), "application/problem+json");
    assert.deepEqual((await wrong.json()).errors, [{
      field: "currentPassword",
      message: "is wrong",
    }]);
    assert.equal(await me(t, here), 200, "a wrong current password signs nobody out");

    const short = await changePassword(t, here, PASSWORD, "short");
    assert.equal(short.status, 400);
    assert.equal((await short.json()).errors[0].field, "newPassword");

    const changed = await changePassword(t, here, PASSWORD, NEW_PASSWORD);
    assert.equal(changed.status, 200);
    assert.deepEqual(await changed.json(), { endedSessions: 1 });
    assert.equal(await me(t, here), 200, "this session stays");
    assert.equal(await me(t, laptop), 401, "the other session ended");
    assert.equal(await me(t, bob), 200, "nobody else's");
    assert.equal((await login(t, "ann@example.org", PASSWORD)).status, 401, "the old one fails");
    assert.equal((await login(t, "ann@example.org", NEW_PASSWORD)).status, 200);
    assert.ok(
      t.logs.every((line) => !line.includes(PASSWORD) && !line.includes(NEW_PASSWORD)),
      "no password reaches the logs",
    );
    assert.equal((await t.app.request("/api/account/password", jsonPost({}))).status, 401);
  } finally {
    await t.close();
  }
});

Deno.test("a wrong current password counts like a failed sign-in: the 11th waits", async () => {
  const t = createTestApp();
  try {
    const cookie = await t.signup("ann@example.org", "Ann");
    for (let n = 1; n <= 10; n++) {
      const response = await changePassword(t, cookie, `guess number ${n}`, NEW_PASSWORD);
      assert.equal(response.status, 401, `guess ${n}`);
      await response.body?.cancel();
    }
    const eleventh = await changePassword(t, cookie, PASSWORD, NEW_PASSWORD);
    assert.equal(eleventh.status, 429, "even the right one waits: the account's backoff began");
    assert.ok(Number(eleventh.headers.get("retry-after")) > 0);
    await eleventh.body?.cancel();
    const signIn = await login(t, "ann@example.org", PASSWORD);
    assert.equal(signIn.status, 429, "and the sign-in shares that limit");
    await signIn.body?.cancel();
    assert.equal(await me(t, cookie), 200);
  } finally {
    await t.close();
  }
});

Deno.test("a Firebase account changes its password with Firebase: 409, nothing stored", async () => {
  const t = createTestApp();
  try {
    const user = await t.services.store.createUser({
      email: "fb@example.org",
      displayName: "Fb",
      passwordHash: null,
      firebaseUid: "firebase-uid-1",
    });
    const cookie = `cf_session=${await t.services.sessions.start(user.id)}`;
    const refused = await changePassword(t, cookie, "anything at all", NEW_PASSWORD);
    assert.equal(refused.status, 409);
    assert.equal((await refused.json()).detail, "Change it with your sign-in provider.");
    assert.equal((await t.services.store.findUserById(user.id))?.passwordHash, null);
  } finally {
    await t.close();
  }
});

Deno.test("sign out of all other devices: every other session ends, this one stays", async () => {
  const t = createTestApp();
  try {
    const here = await t.signup("ann@example.org", "Ann");
    const phone = await signIn(t, "ann@example.org");
    const laptop = await signIn(t, "ann@example.org");
    const bob = await t.signup("bob@example.org", "Bob");
    const ended = await t.app.request("/api/account/sessions/end-others", {
      method: "POST",
      headers: { cookie: here },
    });
    assert.equal(ended.status, 200);
    assert.deepEqual(await ended.json(), { endedSessions: 2 });
    assert.deepEqual(
      [await me(t, here), await me(t, phone), await me(t, laptop), await me(t, bob)],
      [200, 401, 401, 200],
    );
    const anonymous = await t.app.request("/api/account/sessions/end-others", { method: "POST" });
    assert.equal(anonymous.status, 401);
  } finally {
    await t.close();
  }
});

Deno.test("the display name changes, validated, shows in /api/me and reaches the agent", async () => {
  const agent = createRecordingAgent();
  const t = createTestApp(SIP_TEST_ENV, { agent });
  try {
    const cookie = await t.signup("ann@example.org", "Ann");
    const rename = (body: unknown) =>
      t.app.request("/api/account", {
        method: "PATCH",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    for (const bad of ["Ann\u202Egnp.exe", "", " ", "x".repeat(81), "Ann\u0007"]) {
      const refused = await rename({ displayName: bad });
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.equal((await refused.json()).errors[0].field, "displayName");
    }
    assert.equal((await rename({ displayName: "Ann", role: "admin" })).status, 400, "only names");
    assert.equal(agent.pushes.length, 0);

    const renamed = await rename({ displayName: "  Ann Carer  " });
    assert.equal(renamed.status, 200);
    assert.equal((await renamed.json()).user.displayName, "Ann Carer");
    const shown = await t.app.request("/api/me", { headers: { cookie } });
    assert.equal((await shown.json()).user.displayName, "Ann Carer");
    const page = await t.app.request("/dashboard", { headers: { cookie } });
    assert.match(await page.text(), /Ann Carer/, "the top bar after a reload");
    assert.deepEqual(agent.pushes.map((p) => [p.care4wId, p.change.kind]), [
      ["care4w-1000001", "upsert"],
    ]);
    const change = agent.pushes[0].change;
    assert.equal(change.kind === "upsert" && change.body.displayName, "Ann Carer");
    const anonymous = await t.app.request("/api/account", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ displayName: "X" }),
    });
    assert.equal(anonymous.status, 401);
  } finally {
    await t.close();
  }
});

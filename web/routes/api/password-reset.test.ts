/**
 * Admins' one-time password-reset links (issue 14): issued only by admins for active local
 * accounts, good once and for an hour, one 403 for every refusal, and every session ended.
 */
import assert from "node:assert/strict";
import { createTestApp, jsonPost, type TestApp } from "../../testing/app.ts";

const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "purple staple battery";

/** An app with an admin (boss) and a user (ann, signed in twice); `now` moves when told. */
async function setup(env: Record<string, string> = {}) {
  let now = new Date();
  const t = createTestApp(env, { now: () => now });
  const boss = await t.signup("boss@example.org", "Boss");
  await t.promote("boss@example.org");
  const ann = await t.signup("ann@example.org", "Ann");
  const issue = (care4wId: string, cookie?: string) =>
    t.app.request(`/api/admin/users/${care4wId}/password-reset`, {
      method: "POST",
      headers: cookie ? { cookie } : {},
    });
  const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));
  return { t, boss, ann, issue, later };
}

/** The token of a 201 answer's link. */
async function tokenOf(response: Response): Promise<string> {
  assert.equal(response.status, 201, await response.clone().text());
  return new URL((await response.json()).link).searchParams.get("token")!;
}

const redeem = (t: TestApp, token: string, newPassword = NEW_PASSWORD) =>
  t.app.request("/api/auth/password-reset", jsonPost({ token, newPassword }));

const status = async (response: Response | Promise<Response>) => {
  const r = await response;
  await r.body?.cancel();
  return r.status;
};

Deno.test("only an admin issues a link: 401 without a session, 403 for a user", async () => {
  const { t, ann, issue } = await setup();
  try {
    assert.equal(await status(issue("care4w-1000002")), 401);
    const forbidden = await issue("care4w-1000001", ann);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.headers.get("content-type"), "application/problem+json");
    await forbidden.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("an admin's link resets the password once, ending every session", async () => {
  const { t, boss, ann, issue } = await setup();
  try {
    const issued = await issue("care4w-1000002", boss);
    assert.equal(issued.headers.get("cache-control"), "no-store");
    const body = await issued.clone().json();
    assert.deepEqual(Object.keys(body).sort(), ["expiresAt", "link"]);
    const link = new URL(body.link);
    assert.equal(`${link.origin}${link.pathname}`, "http://localhost/reset-password");
    const minutes = (Date.parse(body.expiresAt) - Date.now()) / 60_000;
    assert.ok(minutes > 59.9 && minutes <= 60, `an hour by default, not ${minutes}`);
    const token = await tokenOf(issued);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/, "32 random bytes, base64url");
    const signIn = await t.app.request(
      "/api/auth/login",
      jsonPost({ email: "ann@example.org", password: PASSWORD }),
    );
    const annPhone = signIn.headers.getSetCookie()[0].split(";")[0];

    assert.equal(await status(redeem(t, token)), 204);
    for (const cookie of [ann, annPhone]) {
      assert.equal(await status(t.app.request("/api/me", { headers: { cookie } })), 401);
    }
    assert.equal(await status(t.app.request("/api/me", { headers: { cookie: boss } })), 200);
    const login = (password: string) =>
      t.app.request("/api/auth/login", jsonPost({ email: "ann@example.org", password }));
    assert.equal(await status(login(PASSWORD)), 401, "the old password fails");
    assert.equal(await status(login(NEW_PASSWORD)), 200, "the new one works");

    const again = await redeem(t, token, "yet another password");
    const unknown = await redeem(t, "A".repeat(43), "yet another password");
    assert.equal(again.status, 403);
    assert.deepEqual(await again.json(), await unknown.json(), "used and unknown look alike");
    assert.equal(await status(login(NEW_PASSWORD)), 200, "the second use changed nothing");
    assert.ok(t.logs.every((line) => !line.includes(token)), "the token never reaches the logs");
    assert.ok(t.logs.some((line) => line.includes("password reset link issued")));
  } finally {
    await t.close();
  }
});

Deno.test("a link expires after PASSWORD_RESET_MINUTES, and a newer one replaces it", async () => {
  const { t, boss, issue, later } = await setup({ PASSWORD_RESET_MINUTES: "15" });
  try {
    const unknown = await (await redeem(t, "no-such-token")).json();
    const first = await tokenOf(await issue("care4w-1000002", boss));
    const second = await tokenOf(await issue("care4w-1000002", boss));
    const replaced = await redeem(t, first);
    assert.equal(replaced.status, 403);
    assert.deepEqual(await replaced.json(), unknown);
    later(16);
    const expired = await redeem(t, second);
    assert.equal(expired.status, 403);
    assert.deepEqual(await expired.json(), unknown, "expired looks like unknown");
    assert.equal(
      unknown.detail,
      "This reset link is not valid. Ask your administrator for a new one.",
    );
    const fresh = await tokenOf(await issue("care4w-1000002", boss));
    later(14);
    assert.equal(await status(redeem(t, fresh)), 204, "good until its minutes are up");
  } finally {
    await t.close();
  }
});

Deno.test("a deactivated account's link does nothing; Firebase accounts reset with Firebase", async () => {
  const { t, boss, issue } = await setup();
  try {
    const token = await tokenOf(await issue("care4w-1000002", boss));
    const off = await t.app.request("/api/admin/users/care4w-1000002/deactivate", {
      method: "POST",
      headers: { cookie: boss },
    });
    assert.equal(await status(off), 200);
    assert.equal(await status(redeem(t, token)), 403);
    assert.equal(await status(issue("care4w-1000002", boss)), 409, "no new link while off");
    const reactivated = await t.app.request("/api/admin/users/care4w-1000002/reactivate", {
      method: "POST",
      headers: { cookie: boss },
    });
    assert.equal(await status(reactivated), 200);
    assert.equal(await status(redeem(t, token)), 403, "the old link stays dead");

    const fb = await t.services.store.createUser({
      email: "fb@example.org",
      displayName: "Fb",
      passwordHash: null,
      firebaseUid: "firebase-uid-1",
    });
    const refused = await issue(fb.care4wId, boss);
    assert.equal(refused.status, 409);
    assert.match((await refused.json()).detail, /Firebase/);
    assert.equal(await status(issue("care4w-1999999", boss)), 404);
    assert.equal(await status(issue("nobody", boss)), 400);
  } finally {
    await t.close();
  }
});

Deno.test("changing one's own password drops a pending reset link", async () => {
  const { t, boss, ann, issue } = await setup();
  try {
    const token = await tokenOf(await issue("care4w-1000002", boss));
    const changed = await t.app.request(
      "/api/account/password",
      jsonPost({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, { cookie: ann }),
    );
    assert.equal(await status(changed), 200);
    assert.equal(await status(redeem(t, token, "someone else's pick")), 403);
  } finally {
    await t.close();
  }
});

Deno.test("the reset page shows its form for a good link and the one refusal otherwise", async () => {
  const { t, boss, issue } = await setup();
  try {
    const token = await tokenOf(await issue("care4w-1000002", boss));
    const page = await t.app.request(`/reset-password?token=${token}`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("cache-control"), "no-store");
    const html = await page.text();
    assert.match(html, /<form[^>]*method="post"[^>]*action="\/reset-password"/);
    assert.match(html, new RegExp(`name="token" value="${token}"`));
    const dead = await t.app.request("/reset-password?token=nope");
    assert.equal(dead.status, 403);
    assert.match(await dead.text(), /This reset link is not valid/);

    const post = (fields: Record<string, string>, origin = "http://localhost") =>
      t.app.request("/reset-password", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin },
        body: new URLSearchParams(fields).toString(),
      });
    const mismatch = await post({ token, newPassword: NEW_PASSWORD, confirm: "something else" });
    assert.equal(mismatch.status, 400);
    assert.match(await mismatch.text(), /must be the same password/);
    const short = await post({ token, newPassword: "short", confirm: "short" });
    assert.equal(short.status, 400);
    assert.doesNotMatch(await short.text(), /value="short"/, "the password is never shown back");
    const foreign = await post(
      { token, newPassword: NEW_PASSWORD, confirm: NEW_PASSWORD },
      "https://evil.example",
    );
    assert.equal(await status(foreign), 403);
    const done = await post({ token, newPassword: NEW_PASSWORD, confirm: NEW_PASSWORD });
    assert.equal(done.status, 200);
    assert.match(await done.text(), /Sign in<\/a> with your new password/);
    const used = await post({ token, newPassword: NEW_PASSWORD, confirm: NEW_PASSWORD });
    assert.equal(used.status, 403);
    assert.match(await used.text(), /This reset link is not valid/);
  } finally {
    await t.close();
  }
});

/** `/api/admin/invitations`: admins invite, list and revoke; nobody else may. */
import assert from "node:assert/strict";
import { createTestApp, jsonPost, sessionCookie, type TestApp } from "../../testing/app.ts";

const PASSWORD = "correct horse battery";

/** Signs `email` up through an operator's invitation; the session cookie. */
async function joinByInvitation(t: TestApp, email: string): Promise<string> {
  const result = await t.services.invitations.invite(email, "operator");
  if (result.kind !== "invited") throw new Error(`${email} has an account`);
  const response = await t.app.request(
    "/api/auth/signup",
    jsonPost({ email, password: PASSWORD, displayName: email.split("@")[0], invite: result.token }),
  );
  if (response.status !== 201) throw new Error(`signup failed: ${await response.text()}`);
  return sessionCookie(response);
}

/** An invitation-only app with an admin (boss) and a user (ann). */
async function setup(env: Record<string, string> = {}) {
  const t = createTestApp({ SIGNUP: "invite", ...env });
  const boss = await joinByInvitation(t, "boss@example.org");
  await t.promote("boss@example.org");
  const ann = await joinByInvitation(t, "ann@example.org");
  const call = (method: string, path: string, cookie?: string, body?: unknown) =>
    t.app.request(`/api/admin/invitations${path}`, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { t, boss, ann, call };
}

Deno.test("an admin invites an email: 201 with a link that signs the colleague up", async () => {
  const { t, boss, call } = await setup();
  const response = await call("POST", "", boss, { email: "Cy@Example.org" });
  assert.equal(response.status, 201);
  assert.equal(response.headers.get("cache-control"), "no-store");
  const body = await response.json();
  assert.deepEqual(Object.keys(body).sort(), ["email", "expiresAt", "id", "link"]);
  assert.equal(body.email, "cy@example.org");
  const link = new URL(body.link);
  assert.equal(`${link.origin}${link.pathname}`, "http://localhost/signup");
  const days = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
  assert.ok(days > 6.99 && days <= 7, "a week by default");

  const page = await t.app.request(`${link.pathname}${link.search}`);
  assert.match(await page.text(), /Create account/);
  const signup = await t.app.request(
    "/api/auth/signup",
    jsonPost({
      email: "cy@example.org",
      password: PASSWORD,
      displayName: "Cy",
      invite: link.searchParams.get("invite"),
    }),
  );
  assert.equal(signup.status, 201);
  assert.ok(!t.logs.join("\n").includes(link.searchParams.get("invite")!), "never logged");
  await t.close();
});

Deno.test("links point at PUBLIC_URL when it is set; another origin may not invite", async () => {
  const { t, boss, call } = await setup({ PUBLIC_URL: "https://care.example.org" });
  // Asked at the server's own address (a proxy in front), the link still names PUBLIC_URL.
  const response = await call("POST", "", boss, { email: "cy@example.org" });
  assert.equal(response.status, 201);
  assert.match((await response.json()).link, /^https:\/\/care\.example\.org\/signup\?invite=/);
  const foreign = await t.app.request(
    "/api/admin/invitations",
    jsonPost({ email: "dee@example.org" }, { cookie: boss, origin: "https://evil.example" }),
  );
  assert.equal(foreign.status, 403);
  assert.equal((await t.services.invitations.pending()).length, 1);
  await t.close();
});

Deno.test("inviting an email that has an account is 409: the admin is told, nobody else", async () => {
  const { t, boss, call } = await setup();
  const response = await call("POST", "", boss, { email: "ANN@example.org" });
  assert.equal(response.status, 409);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  assert.equal((await response.json()).errors[0].field, "email");
  assert.equal((await call("POST", "", boss, { email: "not an email" })).status, 400);
  assert.equal(
    (await call("POST", "", boss, { email: "x@example.org", role: "admin" })).status,
    400,
  );
  assert.deepEqual((await (await call("GET", "", boss)).json()).invitations, []);
  await t.close();
});

Deno.test("only admins invite, list and revoke: 401 signed out, 403 for a user", async () => {
  const { t, ann, boss, call } = await setup();
  const made = await (await call("POST", "", boss, { email: "cy@example.org" })).json();
  for (const cookie of [undefined, ann]) {
    const expected = cookie ? 403 : 401;
    assert.equal((await call("POST", "", cookie, { email: "dee@example.org" })).status, expected);
    assert.equal((await call("GET", "", cookie)).status, expected);
    assert.equal((await call("DELETE", `/${made.id}`, cookie)).status, expected);
  }
  assert.deepEqual(
    (await t.services.invitations.pending()).map((invitation) => invitation.email),
    ["cy@example.org"],
  );
  await t.close();
});

Deno.test("the pending list names email, inviter and dates, never a token or link", async () => {
  const { t, boss, call } = await setup();
  const first = await (await call("POST", "", boss, { email: "cy@example.org" })).json();
  const second = await (await call("POST", "", boss, { email: "dee@example.org" })).json();
  const response = await call("GET", "", boss);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("cache-control"), "no-store");
  const text = await response.text();
  const { invitations } = JSON.parse(text);
  assert.deepEqual(invitations.map((i: { email: string }) => i.email).sort(), [
    "cy@example.org",
    "dee@example.org",
  ]);
  assert.deepEqual(Object.keys(invitations[0]).sort(), [
    "createdAt",
    "email",
    "expiresAt",
    "id",
    "invitedBy",
  ]);
  assert.equal(invitations[0].invitedBy, "care4w-1000001");
  for (const made of [first, second]) {
    const token = new URL(made.link).searchParams.get("invite")!;
    assert.ok(!text.includes(token), "no token in the list");
  }
  assert.ok(!text.includes("tokenHash") && !/[0-9a-f]{64}/.test(text), "nor its hash");
  await t.close();
});

Deno.test("revoking a pending invitation stops its link; re-inviting replaces the old link", async () => {
  const { t, boss, call } = await setup();
  const tokenOf = (made: { link: string }) => new URL(made.link).searchParams.get("invite")!;
  const signup = (email: string, invite: string) =>
    t.app.request(
      "/api/auth/signup",
      jsonPost({ email, password: PASSWORD, displayName: "X", invite }),
    );
  const cy = await (await call("POST", "", boss, { email: "cy@example.org" })).json();
  assert.equal((await call("DELETE", `/${cy.id}`, boss)).status, 204);
  assert.equal((await call("DELETE", `/${cy.id}`, boss)).status, 404);
  assert.equal((await call("DELETE", "/not-an-id", boss)).status, 404);
  assert.equal((await signup("cy@example.org", tokenOf(cy))).status, 403, "revoked");

  const old = await (await call("POST", "", boss, { email: "dee@example.org" })).json();
  const fresh = await (await call("POST", "", boss, { email: "dee@example.org" })).json();
  const listed = (await (await call("GET", "", boss)).json()).invitations;
  assert.deepEqual(listed.map((i: { id: string }) => i.id), [fresh.id]);
  assert.equal((await signup("dee@example.org", tokenOf(old))).status, 403, "replaced");
  assert.equal((await signup("dee@example.org", tokenOf(fresh))).status, 201);
  assert.deepEqual((await (await call("GET", "", boss)).json()).invitations, [], "used");
  await t.close();
});

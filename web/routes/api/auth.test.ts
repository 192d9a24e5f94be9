import assert from "node:assert/strict";
import { createTestApp, jsonPost, sessionCookie } from "../../testing/app.ts";
import { argon2Hasher } from "../../auth/passwords.ts";

Deno.test("signup creates the user, answers 201 with the user and a safe session cookie", async () => {
  const t = createTestApp();
  const response = await t.app.request(
    "/api/auth/signup",
    jsonPost({ email: "Ann@Example.org", password: "correct horse battery", displayName: "Ann" }),
  );
  assert.equal(response.status, 201);
  const body = await response.json();
  assert.deepEqual(Object.keys(body.user).sort(), [
    "care4wId",
    "displayName",
    "email",
    "id",
    "role",
  ]);
  assert.equal(body.user.care4wId, "care4w-1000001");
  assert.equal(body.user.role, "user");
  const cookie = response.headers.get("set-cookie")!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  assert.doesNotMatch(cookie, /Secure/, "plain http on localhost");
  await t.close();
});

Deno.test("signup behind https sets a Secure cookie", async () => {
  const t = createTestApp({ PUBLIC_URL: "https://care.example.org" });
  const response = await t.app.request(
    "https://care.example.org/api/auth/signup",
    jsonPost({ email: "a@example.org", password: "correct horse battery", displayName: "A" }),
  );
  assert.equal(response.status, 201);
  assert.match(response.headers.get("set-cookie")!, /Secure/);
  await t.close();
});

Deno.test("signup validation errors list each offending field and create nothing", async () => {
  const t = createTestApp();
  const response = await t.app.request(
    "/api/auth/signup",
    jsonPost({ email: "not-an-email", password: "short", displayName: "" }),
  );
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  const problem = await response.json();
  assert.deepEqual(
    problem.errors.map((e: { field: string }) => e.field).sort(),
    ["displayName", "email", "password"],
  );
  assert.match(problem.detail, /displayName/);
  assert.equal(await t.services.store.findUserByEmail("not-an-email"), null);
  await t.close();
});

Deno.test("signup refuses a non-JSON body and malformed JSON", async () => {
  const t = createTestApp();
  const wrongType = await t.app.request("/api/auth/signup", { method: "POST", body: "email=a" });
  assert.equal(wrongType.status, 415);
  const broken = await t.app.request("/api/auth/signup", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{nope",
  });
  assert.equal(broken.status, 400);
  assert.equal(broken.headers.get("content-type"), "application/problem+json");
  await t.close();
});

Deno.test("emails are unique whatever their case", async () => {
  const t = createTestApp();
  await t.signup("ann@example.org");
  const again = await t.app.request(
    "/api/auth/signup",
    jsonPost({ email: "ANN@example.org", password: "correct horse battery", displayName: "Ann" }),
  );
  assert.equal(again.status, 409);
  assert.equal((await again.json()).errors[0].field, "email");
  await t.close();
});

Deno.test("login: right password 200 + cookie; wrong password and unknown email give the same 401", async () => {
  const t = createTestApp();
  await t.signup("ann@example.org", "Ann", "correct horse battery");
  const ok = await t.app.request(
    "/api/auth/login",
    jsonPost({ email: "ANN@example.org", password: "correct horse battery" }),
  );
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).user.email, "ann@example.org");
  sessionCookie(ok);

  const wrong = await t.app.request(
    "/api/auth/login",
    jsonPost({ email: "ann@example.org", password: "wrong password!" }),
  );
  const unknown = await t.app.request(
    "/api/auth/login",
    jsonPost({ email: "nobody@example.org", password: "wrong password!" }),
  );
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  assert.deepEqual(await wrong.json(), await unknown.json());
  assert.equal(wrong.headers.get("set-cookie"), null);
  await t.close();
});

Deno.test("after 10 failed logins in 15 minutes the account gets 429 with Retry-After until the window passes", async () => {
  let now = new Date("2026-01-01T10:00:00Z");
  const t = createTestApp({}, { now: () => now });
  await t.signup("ann@example.org");
  const attempt = (password: string) =>
    t.app.request("/api/auth/login", jsonPost({ email: "ann@example.org", password }));
  for (let i = 0; i < 10; i++) {
    assert.equal((await attempt("wrong password!")).status, 401);
    now = new Date(now.getTime() + 30_000);
  }
  const locked = await attempt("correct horse battery");
  assert.equal(locked.status, 429, "even the right password waits");
  const retryAfter = Number(locked.headers.get("retry-after"));
  assert.ok(retryAfter > 0 && retryAfter <= 15 * 60, `retry-after ${retryAfter}`);
  const other = await t.app.request(
    "/api/auth/login",
    jsonPost({ email: "someone@example.org", password: "wrong password!" }),
  );
  assert.equal(other.status, 401, "other accounts are not locked");
  now = new Date(now.getTime() + retryAfter * 1000);
  assert.equal((await attempt("correct horse battery")).status, 200);
  await t.close();
});

Deno.test("logout answers 204 and the session is gone server-side", async () => {
  const t = createTestApp();
  const cookie = await t.signup("ann@example.org");
  assert.equal((await t.app.request("/api/me", { headers: { cookie } })).status, 200);
  const out = await t.app.request("/api/auth/logout", { method: "POST", headers: { cookie } });
  assert.equal(out.status, 204);
  assert.equal((await t.app.request("/api/me", { headers: { cookie } })).status, 401);
  await t.close();
});

Deno.test("a state-changing request from another origin is refused with 403", async () => {
  const t = createTestApp();
  const signupFrom = (origin: string) =>
    t.app.request(
      "http://localhost/api/auth/signup",
      jsonPost(
        { email: "a@example.org", password: "correct horse battery", displayName: "A" },
        { origin },
      ),
    );
  const response = await signupFrom("https://evil.example");
  assert.equal(response.status, 403);
  assert.equal(await t.services.store.findUserByEmail("a@example.org"), null);
  const sameOrigin = await signupFrom("http://localhost");
  assert.equal(sameOrigin.status, 201);
  const crossSite = await t.app.request("http://localhost/api/auth/logout", {
    method: "POST",
    headers: { "sec-fetch-site": "cross-site" },
  });
  assert.equal(crossSite.status, 403);
  await t.close();
});

Deno.test("100 concurrent sign-ups get 100 distinct, gap-free CareFlow IDs", async () => {
  const t = createTestApp();
  const responses = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      t.app.request(
        "/api/auth/signup",
        jsonPost({
          email: `u${i}@example.org`,
          password: "correct horse battery",
          displayName: `U${i}`,
        }),
      )),
  );
  const ids = await Promise.all(responses.map(async (r) => (await r.json()).user.care4wId));
  const expected = Array.from({ length: 100 }, (_, i) => `care4w-${1_000_001 + i}`);
  assert.deepEqual([...ids].sort(), expected);
  await t.close();
});

Deno.test("passwords, cookies and session tokens never reach the log", async () => {
  const t = createTestApp();
  const cookie = await t.signup("ann@example.org", "Ann", "my secret passphrase");
  await t.app.request("/api/me", { headers: { cookie } });
  const joined = t.logs.join("\n");
  assert.ok(!joined.includes("my secret passphrase"));
  assert.ok(!joined.includes(cookie.split("=")[1]));
  const line = JSON.parse(t.logs.find((l) => l.includes('"/api/me"'))!);
  assert.equal(line.method, "GET");
  assert.equal(line.status, 200);
  assert.ok(line.requestId && line.userId && typeof line.durationMs === "number");
  await t.close();
});

Deno.test("200 guesses at once: only the allowed 10 wrong passwords are ever checked", async () => {
  const hasher = argon2Hasher({ memoryCost: 1024 });
  let checked = 0;
  const counting = {
    ...hasher,
    verify: (stored: string, password: string) => {
      checked++;
      return hasher.verify(stored, password);
    },
  };
  const t = createTestApp({}, { passwords: counting });
  try {
    await t.signup("ann@example.org");
    const guesses = Array.from({ length: 200 }, (_, n) =>
      t.app.request(
        "/api/auth/login",
        jsonPost({ email: "ann@example.org", password: `wrong guess ${n}` }),
      ));
    // The right password among them, sent at the same moment, is no way in once the limit is hit.
    guesses.splice(
      150,
      0,
      t.app.request(
        "/api/auth/login",
        jsonPost({ email: "ANN@example.org", password: "correct horse battery" }),
      ),
    );
    const statuses = await Promise.all(guesses.map(async (r) => (await r).status));
    assert.equal(checked, 10, "password checks");
    assert.equal(statuses.filter((s) => s === 401).length, 10);
    assert.equal(statuses.filter((s) => s === 429).length, 191);
    assert.ok(!statuses.includes(200), "the late right guess waits like the rest");
  } finally {
    await t.close();
  }
});

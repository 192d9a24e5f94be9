/**
 * The operator's first admin (issue 13, item 5): signing up with any address makes a user, and
 * `deno task admin promote <email>` on web's own store makes an admin, which the app then sees
 * (within the second its session and user reads are cached for: the CLI is another process).
 * With sign-up by invitation, `deno task admin invite <email>` gives the operator their link.
 */
import assert from "node:assert/strict";
import { openSqliteStore } from "../web/store/sqlite/mod.ts";
import { createTestApp, jsonPost, sessionCookie } from "../web/testing/app.ts";
import { runAdmin } from "./admin.ts";

Deno.test("admin promote and demote change the role of an existing account only", async () => {
  const dir = await Deno.makeTempDir({ prefix: "careflow-admin-" });
  const t = createTestApp({}, { store: openSqliteStore(`${dir}/careflow.sqlite`) });
  try {
    const cookie = await t.signup("boss@example.org", "Boss");
    const me = async () =>
      (await (await t.app.request("/api/me", { headers: { cookie } })).json()).user.role;
    // Another process's write is seen once the app's one-second read cache has let go.
    const role = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      return await me();
    };
    assert.equal(await me(), "user", "an address alone makes nobody an admin");
    assert.equal(await runAdmin(["promote", "Boss@Example.org"], { DATA_DIR: dir }), 0);
    assert.equal(await role(), "admin");
    assert.equal(await runAdmin(["demote", "boss@example.org"], { DATA_DIR: dir }), 0);
    assert.equal(await role(), "user");
    assert.equal(await runAdmin(["promote", "nobody@example.org"], { DATA_DIR: dir }), 1);
    assert.equal(await runAdmin(["crown", "boss@example.org"], { DATA_DIR: dir }), 2);
  } finally {
    await t.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("admin invite prints a link that signs the operator up once; then promote", async () => {
  const dir = await Deno.makeTempDir({ prefix: "careflow-admin-" });
  const t = createTestApp({ SIGNUP: "invite" }, {
    store: openSqliteStore(`${dir}/careflow.sqlite`),
  });
  const printed: string[] = [];
  const admin = (args: string[], env: Record<string, string> = {}) =>
    runAdmin(args, { DATA_DIR: dir, ...env }, (line) => printed.push(line));
  try {
    const env = { PUBLIC_URL: "https://care.example.org" };
    assert.equal(await admin(["invite", "Boss@Example.org"], env), 0);
    const link = new URL(printed.find((line) => line.startsWith("https://"))!);
    assert.equal(`${link.origin}${link.pathname}`, "https://care.example.org/signup");
    assert.match(printed[0], /boss@example\.org, good until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const signup = (invite: string | null) =>
      t.app.request(
        "/api/auth/signup",
        jsonPost({
          email: "boss@example.org",
          password: "boss password 123",
          displayName: "B",
          invite,
        }),
      );
    const created = await signup(link.searchParams.get("invite"));
    assert.equal(created.status, 201);
    assert.equal((await signup(link.searchParams.get("invite"))).status, 403, "once");
    assert.equal(await admin(["promote", "boss@example.org"]), 0);
    const me = await t.app.request("/api/me", { headers: { cookie: sessionCookie(created) } });
    assert.equal((await me.json()).user.role, "admin");

    assert.equal(await admin(["invite", "boss@example.org"]), 1, "has an account already");
    assert.equal(await admin(["invite", "not an email"]), 2);
    printed.length = 0;
    assert.equal(await admin(["invite", "ann@example.org"], { PORT: "8123" }), 0);
    assert.match(printed[1], /^http:\/\/127\.0\.0\.1:8123\/signup\?invite=[A-Za-z0-9_-]{43}$/);
  } finally {
    await t.close();
    await Deno.remove(dir, { recursive: true });
  }
});

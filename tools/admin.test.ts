/**
 * The operator's first admin (issue 13, item 5): signing up with any address makes a user, and
 * `deno task admin promote <email>` on web's own store makes an admin, which the app then sees.
 */
import assert from "node:assert/strict";
import { openSqliteStore } from "../web/store/sqlite/mod.ts";
import { createTestApp } from "../web/testing/app.ts";
import { runAdmin } from "./admin.ts";

Deno.test("admin promote and demote change the role of an existing account only", async () => {
  const dir = await Deno.makeTempDir({ prefix: "careflow-admin-" });
  const t = createTestApp({}, { store: openSqliteStore(`${dir}/careflow.sqlite`) });
  try {
    const cookie = await t.signup("boss@example.org", "Boss");
    const role = async () =>
      (await (await t.app.request("/api/me", { headers: { cookie } })).json()).user.role;
    assert.equal(await role(), "user", "an address alone makes nobody an admin");
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

/**
 * The Admin section's page: only admins get it (a 404 for anyone else, checked on the server),
 * with People and Invitations moved here from Settings, the organisation's totals, the access
 * trail's GET form and table, and system health, all rendered on the server.
 */
import assert from "node:assert/strict";
import { nextEntry } from "../recordings/trail.ts";
import { createTestApp } from "../testing/app.ts";
import type { User } from "../store/mod.ts";
import { findSection, SECTIONS, sectionsFor } from "./sections.tsx";

async function setup() {
  const t = createTestApp();
  const boss = await t.signup("boss@example.org", "Boss");
  await t.promote("boss@example.org");
  const ann = await t.signup("ann@example.org", "Ann Carer");
  const page = (path: string, cookie: string) => t.app.request(path, { headers: { cookie } });
  return { t, boss, ann, page };
}

Deno.test("a non-admin gets a 404 for the Admin section; signed out goes to sign in", async () => {
  const { t, ann, page } = await setup();
  try {
    const refused = await page("/dashboard/admin", ann);
    assert.equal(refused.status, 404);
    const html = await refused.text();
    assert.match(html, /Page not found/);
    assert.doesNotMatch(html, /data-testid="people"|access-trail|system-health/);
    const anonymous = await t.app.request("/dashboard/admin");
    assert.equal(anonymous.status, 302);
    assert.equal(anonymous.headers.get("location"), "/login");
    // Settings no longer carries the admins' lists, for anyone.
    const settings = await (await page("/dashboard/settings", ann)).text();
    assert.doesNotMatch(settings, /data-testid="people"|data-testid="invitations"/);
  } finally {
    await t.close();
  }
});

Deno.test("an admin's Admin section: people, invitations, totals, trail and health", async () => {
  const { t, boss, page } = await setup();
  try {
    const annId = (await t.services.store.findUserByEmail("ann@example.org"))!.id;
    await t.services.store.appendTrail((last) =>
      nextEntry(last, {
        at: new Date(),
        actorUserId: annId,
        recordingId: "rec-123",
        action: "download",
        ip: "192.0.2.7",
        userAgent: null,
      })
    );
    const response = await page("/dashboard/admin", boss);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "no-store");
    const html = await response.text();
    assert.match(html, /<h1 id="admin-title">Admin<\/h1>/);
    assert.match(html, /aria-current="page"[^>]*>Admin</);
    assert.match(html, /data-island="People"|island-People/);
    assert.match(html, /data-testid="people"/);
    assert.match(html, /data-testid="invitations"/);
    assert.match(html, /data-testid="organisation-totals"/);
    assert.match(html, /href="\/dashboard\/analytics\?scope=organisation&amp;from=/);
    assert.match(html, /data-testid="access-trail"/);
    assert.match(html, /Downloaded/);
    assert.match(html, /Ann Carer <code>care4w-1000002<\/code>/);
    assert.match(html, /rec-123/);
    assert.match(html, /data-testid="system-health"/);
    assert.match(html, /Not configured \(SIP is off\)/);
    assert.match(html, /0 open/);
    const settings = await (await page("/dashboard/settings", boss)).text();
    assert.doesNotMatch(settings, /data-testid="people"/, "moved out of Settings");
    assert.match(settings, /href="\/dashboard\/admin"/);
  } finally {
    await t.close();
  }
});

Deno.test("the section's trail form: filters apply, invalid ones are shown back, not refused", async () => {
  const { t, boss, page } = await setup();
  try {
    for (const recordingId of ["rec-a", "rec-b"]) {
      await t.services.store.appendTrail((last) =>
        nextEntry(last, {
          at: new Date(),
          actorUserId: null,
          recordingId,
          action: "purge",
          ip: null,
          userAgent: null,
        })
      );
    }
    const filtered = await (await page("/dashboard/admin?recording=rec-b&user=", boss)).text();
    assert.match(filtered, /rec-b/);
    assert.doesNotMatch(filtered, /<code>rec-a<\/code>/);
    assert.match(filtered, /name="recording" value="rec-b"/);
    const invalid = await page("/dashboard/admin?from=2026-02-30&user=bob", boss);
    assert.equal(invalid.status, 200);
    const html = await invalid.text();
    assert.match(html, /id="trail-from-error">is not a real date/);
    assert.match(html, /id="trail-user-error">must look like care4w-1000001/);
    assert.match(html, /name="from" value="2026-02-30"/);
    assert.doesNotMatch(html, /data-testid="access-trail"/);
  } finally {
    await t.close();
  }
});

Deno.test("the Admin entry is among an admin's sections only", () => {
  const user = { role: "user" } as User;
  const admin = { role: "admin" } as User;
  assert.ok(SECTIONS.some((s) => s.slug === "admin"));
  assert.deepEqual(sectionsFor(user).map((s) => s.slug), [
    "",
    "history",
    "recordings",
    "voicemail",
    "analytics",
    "settings",
  ]);
  assert.equal(sectionsFor(admin).at(-1)?.slug, "admin");
  assert.equal(findSection("admin", user), undefined);
  assert.equal(findSection("admin", admin)?.label, "Admin");
  assert.equal(findSection("settings", user)?.label, "Settings");
});

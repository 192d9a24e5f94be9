import assert from "node:assert/strict";
import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { loadSession } from "../middleware/session.ts";
import { securityHeaders } from "../middleware/security-headers.ts";
import { voicemail } from "../store/testing/recording-fixtures.ts";
import { createTestApp, type TestApp } from "../testing/app.ts";
import { pageRoutes } from "./pages.ts";

Deno.test("the landing page ships no script at all", async () => {
  const t = createTestApp();
  const html = await (await t.app.request("/")).text();
  assert.match(html, /CareFlow ID/);
  assert.doesNotMatch(html, /<script/i);
  await t.close();
});

Deno.test("every page carries a nonce CSP without unsafe-inline and the hardening headers", async () => {
  const t = createTestApp();
  for (const path of ["/", "/login", "/signup", "/api/me"]) {
    const response = await t.app.request(path);
    const csp = response.headers.get("content-security-policy") ?? "";
    assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.doesNotMatch(csp, /unsafe-inline/, path);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff", path);
    assert.ok(response.headers.get("referrer-policy"), path);
  }
  const first = (await t.app.request("/login")).headers.get("content-security-policy");
  const second = (await t.app.request("/login")).headers.get("content-security-policy");
  assert.notEqual(first, second, "a fresh nonce per request");
  await t.close();
});

Deno.test("island pages load their chunks through one boot script carrying the request's nonce", async () => {
  const t = createTestApp();
  const response = await t.app.request("/login");
  const html = await response.text();
  const nonce = response.headers.get("content-security-policy")!.match(/'nonce-([^']+)'/)![1];
  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
  assert.equal(scripts.length, 2, "the props blob and the boot module");
  assert.match(scripts[0], /type="application\/json"/);
  assert.match(scripts[1], new RegExp(`nonce="${nonce.replace(/[+/=]/g, "\\$&")}"`));
  assert.match(html, /island-AuthForm-TEST\.js/);
  assert.doesNotMatch(html, /island-Dialer/, "only the islands on the page are loaded");
  await t.close();
});

Deno.test("the dashboard redirects to /login without a session", async () => {
  const t = createTestApp();
  for (const path of ["/dashboard", "/dashboard/history", "/dashboard/settings"]) {
    const response = await t.app.request(path);
    assert.equal(response.status, 302, path);
    assert.equal(response.headers.get("location"), "/login");
  }
  await t.close();
});

Deno.test("the dashboard shows the user's name, CareFlow ID, sections and the dialer", async () => {
  const t = createTestApp();
  const cookie = await t.signup("ann@example.org", "Ann Carer");
  const html = await (await t.app.request("/dashboard", { headers: { cookie } })).text();
  assert.match(html, /Ann Carer/);
  assert.match(html, /care4w-1000001/);
  for (const label of ["Dialer", "History", "Recordings", "Voicemail", "Analytics", "Settings"]) {
    assert.match(html, new RegExp(`>${label}</a>`), label);
  }
  // Not an admin: no link to a section that would answer 404.
  assert.doesNotMatch(html, />Admin<\/a>/);
  assert.match(html, /aria-label="Copy CareFlow ID"/);
  assert.match(html, /Number or CareFlow ID/);
  for (const section of ["history", "recordings", "voicemail", "analytics", "settings"]) {
    const page = await t.app.request(`/dashboard/${section}`, { headers: { cookie } });
    assert.equal(page.status, 200, section);
    assert.match(await page.text(), /aria-current="page"/);
  }
  assert.equal((await t.app.request("/dashboard/nope", { headers: { cookie } })).status, 404);
  await t.close();
});

Deno.test("a display name containing </script> cannot break out of the island props", async () => {
  const t = createTestApp();
  const evil = `Eve</script><script>alert(1)</script>`;
  const cookie = await t.signup("eve@example.org", evil);
  const html = await (await t.app.request("/dashboard", { headers: { cookie } })).text();
  assert.equal(html.match(/<script/g)?.length, 2, "no injected script element");
  assert.doesNotMatch(html, /<script>alert/);
  const blob = html.match(/<script type="application\/json" id="cf-islands">(.*?)<\/script>/)![1];
  assert.ok(JSON.parse(blob).islands.length > 0);
  await t.close();
});

Deno.test("signed-in users skip /login and /signup; sign-out ends the session", async () => {
  const t = createTestApp();
  const cookie = await t.signup("ann@example.org");
  assert.equal(
    (await t.app.request("/login", { headers: { cookie } })).headers.get("location"),
    "/dashboard",
  );
  const out = await t.app.request("/logout", { method: "POST", headers: { cookie } });
  assert.equal(out.status, 303);
  assert.equal((await t.app.request("/api/me", { headers: { cookie } })).status, 401);
  await t.close();
});

/**
 * The pages as web/app.ts mounts them, with the unread-voicemail source the badge counts from;
 * built here so the badge is tested whether or not the app passes that source yet.
 */
function pagesWithBadges(
  t: TestApp,
  unlistenedVoicemail = (userId: string) => t.services.store.countUnlistenedVoicemail(userId),
) {
  const app = new Hono<AppEnv>();
  app.use("*", securityHeaders());
  app.use("*", loadSession(t.services.sessions));
  app.route(
    "/",
    pageRoutes({
      manifest: t.services.manifest,
      sessions: t.services.sessions,
      unlistenedVoicemail,
    }),
  );
  return app;
}

/** The Voicemail link of the section navigation. */
const voicemailLink = (html: string) =>
  html.match(/<a href="\/dashboard\/voicemail"[^>]*>(.*?)<\/a>/)?.[1] ?? "";

Deno.test("the recordings, voicemail and settings sections render their islands", async () => {
  const t = createTestApp();
  const cookie = await t.signup("ann@example.org", "Ann Carer");
  const islands = {
    recordings: "Recordings",
    voicemail: "Voicemail",
    settings: "RecordingSettings",
  };
  for (const [slug, island] of Object.entries(islands)) {
    const response = await t.app.request(`/dashboard/${slug}`, { headers: { cookie } });
    assert.equal(response.status, 200, slug);
    const html = await response.text();
    assert.match(html, new RegExp(`island-${island}-TEST\\.js`), slug);
    assert.match(html, new RegExp(`href="/dashboard/${slug}" aria-current="page"`), slug);
  }
  const voicemail = await (await t.app.request("/dashboard/voicemail", { headers: { cookie } }))
    .text();
  assert.match(voicemail, /<title>Voicemail · CareFlow<\/title>/);
  assert.match(
    voicemail,
    /<h1 id="voicemail-title"[^>]*>Voicemail<\/h1>/,
    "server-rendered heading",
  );
  assert.equal(voicemailLink(voicemail), "Voicemail", "no badge without unread voicemail");
  await t.close();
});

Deno.test("the Voicemail entry of the navigation shows the unread count, and none at 0", async () => {
  const t = createTestApp();
  const cookie = await t.signup("ann@example.org", "Ann Carer");
  const bob = await t.signup("bob@example.org", "Bob Nurse");
  const annId = (await t.services.store.findUserByEmail("ann@example.org"))!.id;
  const pages = pagesWithBadges(t);
  const nav = async (who: string, path = "/dashboard/history") =>
    voicemailLink(await (await pages.request(path, { headers: { cookie: who } })).text());
  assert.equal(await nav(cookie), "Voicemail", "no badge at 0");

  const from = { care4wId: "care4w-1000002", phone: null, displayName: "Bob Nurse" };
  const left = (id: string, extra = {}) =>
    t.services.store.insertRecording(voicemail(id, 0, from, { ownerUserId: annId, ...extra }));
  await left("vm-1");
  await left("vm-2");
  await left("vm-3", { isListened: true });
  await left("vm-4", { status: "deleted", deletedAt: new Date() });
  for (const path of ["/dashboard", "/dashboard/voicemail", "/dashboard/settings"]) {
    const link = await nav(cookie, path);
    assert.match(link, /^Voicemail<span class="nav-badge"/, path);
    assert.match(link, /<span aria-hidden="true">2<\/span>/, path);
    assert.match(link, /<span class="visually-hidden">\(2 unread\)<\/span>/, path);
  }
  assert.equal(await nav(bob), "Voicemail", "another user's voicemail is not counted");

  await t.services.store.updateRecording("vm-1", { isListened: true });
  await t.services.store.updateRecording("vm-2", { isListened: true });
  assert.equal(await nav(cookie), "Voicemail", "the badge goes once all are listened to");
  await t.close();
});

Deno.test("a badge whose count fails is left out; the page still renders", async () => {
  const t = createTestApp();
  const cookie = await t.signup("ann@example.org", "Ann Carer");
  const app = pagesWithBadges(t, () => Promise.reject(new Error("store down")));
  const response = await app.request("/dashboard/voicemail", { headers: { cookie } });
  assert.equal(response.status, 200);
  assert.equal(voicemailLink(await response.text()), "Voicemail");
  await t.close();
});

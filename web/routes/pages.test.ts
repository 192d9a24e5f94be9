import assert from "node:assert/strict";
import { createTestApp } from "../testing/app.ts";

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
  for (const label of ["Dialer", "History", "Recordings", "Analytics", "Settings"]) {
    assert.match(html, new RegExp(`>${label}</a>`), label);
  }
  assert.match(html, /aria-label="Copy CareFlow ID"/);
  assert.match(html, /Number or CareFlow ID/);
  for (const section of ["history", "recordings", "analytics", "settings"]) {
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
  assert.ok(JSON.parse(blob).length > 0);
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

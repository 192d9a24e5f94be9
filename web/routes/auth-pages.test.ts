/** The sign-up page by invitation and open to all. */
import assert from "node:assert/strict";
import { createTestApp } from "../testing/app.ts";
import { INVALID_INVITATION } from "../auth/invitations.ts";

const CLOSED = "CareFlow accounts are by invitation. Ask your administrator for a link.";

Deno.test("by invitation, /signup without a link says so instead of showing the form", async () => {
  const t = createTestApp({ SIGNUP: "invite" });
  const response = await t.app.request("/signup");
  assert.equal(response.status, 200);
  const html = await response.text();
  assert.ok(html.includes(CLOSED));
  assert.doesNotMatch(html, /<form/, "no form");
  assert.doesNotMatch(html, /island-AuthForm/, "and no script for one");
  assert.match(html, /href="\/login"/, "a way to sign in instead");
  await t.close();
});

Deno.test("by invitation, /signup?invite= shows the form carrying the link's code", async () => {
  const t = createTestApp({ SIGNUP: "invite" });
  const token = "A".repeat(20) + "_-" + "z".repeat(21);
  const html = await (await t.app.request(`/signup?invite=${token}`)).text();
  assert.match(html, /<form/);
  assert.match(html, /island-AuthForm-TEST\.js/);
  assert.ok(html.includes(`name="invite" value="${token}"`), "sent with the sign-up");
  assert.ok(!html.includes(CLOSED));

  const mangled = await (await t.app.request("/signup?invite=%3Cscript%3E")).text();
  assert.doesNotMatch(mangled, /<form/, "a broken link gets no form");
  assert.ok(mangled.includes(INVALID_INVITATION));
  assert.doesNotMatch(mangled, /<script>/);
  await t.close();
});

Deno.test("with SIGNUP=open, /signup shows the form and ignores any link", async () => {
  const t = createTestApp({ SIGNUP: "open" });
  const html = await (await t.app.request("/signup?invite=abc")).text();
  assert.match(html, /<form/);
  assert.doesNotMatch(html, /name="invite"/);
  assert.ok(!html.includes(CLOSED));
  await t.close();
});

Deno.test("the Admin section offers admins, and only admins, the invitation form", async () => {
  const t = createTestApp();
  const boss = await t.signup("boss@example.org", "Boss");
  await t.promote("boss@example.org");
  const ann = await t.signup("ann@example.org", "Ann");
  const page = (path: string, cookie: string) => t.app.request(path, { headers: { cookie } });
  const forBoss = await (await page("/dashboard/admin", boss)).text();
  assert.match(forBoss, /Invite a colleague/);
  assert.match(forBoss, /island-Invitations-TEST\.js/);
  assert.equal((await page("/dashboard/admin", ann)).status, 404);
  const settingsForAnn = await (await page("/dashboard/settings", ann)).text();
  assert.doesNotMatch(settingsForAnn, /Invite a colleague/);
  assert.doesNotMatch(settingsForAnn, /island-Invitations/);
  await t.close();
});

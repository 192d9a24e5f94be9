import assert from "node:assert/strict";
import { digestHa1 } from "../../../shared/sip-credentials.ts";
import { createTestApp, SIP_TEST_ENV } from "../../testing/app.ts";
import { createRecordingAgent } from "../../testing/recording-agent.ts";
import { createSecretBox } from "../../sip/secret-box.ts";

const post = (cookie: string) => ({ method: "POST", headers: { cookie } });

Deno.test("POST /api/sip/credentials returns a new password once, stores only ciphertext and HA1, pushes HA1", async () => {
  const agent = createRecordingAgent();
  const t = createTestApp(SIP_TEST_ENV, { agent });
  const cookie = await t.signup("ann@example.org", "Ann");
  const response = await t.app.request("/api/sip/credentials", post(cookie));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("cache-control"), "no-store");
  const body = await response.json();
  assert.deepEqual(Object.keys(body).sort(), ["domain", "password", "proxy", "username"]);
  assert.equal(body.username, "care4w-1000001");
  assert.equal(body.domain, "careflow.test");
  assert.equal(body.proxy, "sip:sip.careflow.test:5060;transport=udp");
  assert.match(body.password, /^[A-Za-z0-9]{24,}$/);

  const user = (await t.services.store.findUserByEmail("ann@example.org"))!;
  const stored = (await t.services.store.getSipCredential(user.id))!;
  assert.ok(!stored.encryptedPassword.includes(body.password), "ciphertext is not the password");
  const box = createSecretBox(t.services.config.sip!.passwordKey);
  assert.equal(await box.open(stored.encryptedPassword, user.id), body.password);
  const ha1 = digestHa1("care4w-1000001", "careflow.test", body.password);
  assert.equal(stored.ha1, ha1);
  assert.deepEqual(agent.pushes, [{
    care4wId: "care4w-1000001",
    change: { kind: "upsert", body: { ha1, active: true, displayName: "Ann" } },
  }]);

  // The password is never shown again, only the settings.
  const settings = await t.app.request("/api/sip/credentials", { headers: { cookie } });
  assert.equal(settings.status, 200);
  const view = await settings.json();
  assert.deepEqual(view, {
    username: "care4w-1000001",
    domain: "careflow.test",
    proxy: "sip:sip.careflow.test:5060;transport=udp",
    hasPassword: true,
    rotatedAt: stored.rotatedAt.toISOString(),
    phone: null,
  });
  assert.ok(!JSON.stringify(view).includes(body.password));
  assert.ok(!t.logs.join("\n").includes(body.password), "never logged");
  assert.ok(!t.logs.join("\n").includes(ha1), "HA1 never logged");

  // Rotation replaces the password and HA1 and pushes again.
  const second = await (await t.app.request("/api/sip/credentials", post(cookie))).json();
  assert.notEqual(second.password, body.password);
  assert.notEqual((await t.services.store.getSipCredential(user.id))!.ha1, ha1);
  assert.equal(agent.pushes.length, 2);
  await t.close();
});

Deno.test("GET /api/sip/credentials before any password says so", async () => {
  const t = createTestApp(SIP_TEST_ENV, { agent: createRecordingAgent() });
  const cookie = await t.signup("ann@example.org");
  const view = await (await t.app.request("/api/sip/credentials", { headers: { cookie } })).json();
  assert.equal(view.hasPassword, false);
  assert.equal(view.rotatedAt, null);
  assert.equal(view.password, undefined);
  await t.close();
});

Deno.test("/api/sip/credentials needs a session", async () => {
  const t = createTestApp(SIP_TEST_ENV, { agent: createRecordingAgent() });
  for (const method of ["GET", "POST"]) {
    const response = await t.app.request("/api/sip/credentials", { method });
    assert.equal(response.status, 401, method);
    assert.equal(response.headers.get("content-type"), "application/problem+json");
  }
  await t.close();
});

Deno.test("/api/sip/credentials is 404 problem+json when SIP is not configured", async () => {
  const t = createTestApp();
  const cookie = await t.signup("ann@example.org");
  for (const method of ["GET", "POST"]) {
    const response = await t.app.request("/api/sip/credentials", { method, headers: { cookie } });
    assert.equal(response.status, 404, method);
    assert.equal(response.headers.get("content-type"), "application/problem+json");
    assert.match((await response.json()).detail, /not configured/);
  }
  await t.close();
});

Deno.test("a rotation while the agent is down still answers, and the change stays queued", async () => {
  const t = createTestApp(SIP_TEST_ENV); // the real client; nothing listens at AGENT_URL
  const cookie = await t.signup("ann@example.org");
  const response = await t.app.request("/api/sip/credentials", post(cookie));
  assert.equal(response.status, 200);
  assert.equal(t.services.sip!.agent.pending(), 1);
  assert.ok(t.logs.some((line) => /agent unreachable/.test(line)));
  await t.close();
});

Deno.test("the settings page loads the SipSettings island", async () => {
  const t = createTestApp(SIP_TEST_ENV, { agent: createRecordingAgent() });
  const cookie = await t.signup("ann@example.org");
  const html = await (await t.app.request("/dashboard/settings", { headers: { cookie } })).text();
  assert.match(html, /island-SipSettings-TEST\.js/);
  assert.match(html, /SIP phone/);
  await t.close();
});

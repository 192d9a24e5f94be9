import assert from "node:assert/strict";
import { createTestApp } from "../../testing/app.ts";

Deno.test("GET /api/me answers the user with a session and 401 problem+json without", async () => {
  const t = createTestApp();
  const cookie = await t.signup("ann@example.org", "Ann");
  const me = await t.app.request("/api/me", { headers: { cookie } });
  assert.equal(me.status, 200);
  assert.equal((await me.json()).user.displayName, "Ann");
  const anonymous = await t.app.request("/api/me");
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get("content-type"), "application/problem+json");
  const forged = await t.app.request("/api/me", { headers: { cookie: "cf_session=forged" } });
  assert.equal(forged.status, 401);
  await t.close();
});

Deno.test("sessions expire after their sliding lifetime", async () => {
  let now = new Date("2026-01-01T10:00:00Z");
  const t = createTestApp({ SESSION_TTL_MINUTES: "60" }, { now: () => now });
  const cookie = await t.signup("ann@example.org");
  now = new Date(now.getTime() + 50 * 60_000);
  assert.equal((await t.app.request("/api/me", { headers: { cookie } })).status, 200);
  now = new Date(now.getTime() + 50 * 60_000);
  assert.equal((await t.app.request("/api/me", { headers: { cookie } })).status, 200, "slid");
  now = new Date(now.getTime() + 61 * 60_000);
  assert.equal((await t.app.request("/api/me", { headers: { cookie } })).status, 401);
  await t.close();
});

Deno.test("lookup finds a user by CareFlow ID, says when nobody has it, refuses a malformed ID", async () => {
  const t = createTestApp();
  await t.signup("ann@example.org", "Ann Carer");
  const cookie = await t.signup("bob@example.org", "Bob");
  const found = await t.app.request("/api/users/lookup?care4wId=care4w-1000001", {
    headers: { cookie },
  });
  // Ann shows her status (the default) and has no tab open.
  assert.deepEqual(await found.json(), {
    exists: true,
    displayName: "Ann Carer",
    online: false,
    presence: "offline",
  });
  const missing = await t.app.request("/api/users/lookup?care4wId=care4w-1999999", {
    headers: { cookie },
  });
  assert.deepEqual(await missing.json(), { exists: false });
  const malformed = await t.app.request("/api/users/lookup?care4wId=care4w-12", {
    headers: { cookie },
  });
  assert.equal(malformed.status, 400);
  assert.equal((await malformed.json()).errors[0].field, "care4wId");
  const noQuery = await t.app.request("/api/users/lookup", { headers: { cookie } });
  assert.equal(noQuery.status, 400);
  const anonymous = await t.app.request("/api/users/lookup?care4wId=care4w-1000001");
  assert.equal(anonymous.status, 401);
  await t.close();
});

Deno.test("a deactivated user is not found by lookup and loses their session", async () => {
  const t = createTestApp();
  const annCookie = await t.signup("ann@example.org", "Ann");
  const cookie = await t.signup("bob@example.org", "Bob");
  const ann = await t.services.store.findUserByEmail("ann@example.org");
  await t.services.store.updateUser(ann!.id, { isActive: false });
  const lookup = await t.app.request("/api/users/lookup?care4wId=care4w-1000001", {
    headers: { cookie },
  });
  assert.deepEqual(await lookup.json(), { exists: false });
  assert.equal((await t.app.request("/api/me", { headers: { cookie: annCookie } })).status, 401);
  await t.close();
});

Deno.test("GET /api/token reports the mode, the CareFlow ID and ICE servers", async () => {
  const t = createTestApp({ STUN_URLS: "stun:stun.example.org:3478" });
  const cookie = await t.signup("ann@example.org");
  const response = await t.app.request("/api/token", { headers: { cookie } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("cache-control"), "no-store");
  assert.deepEqual(await response.json(), {
    token: null,
    mode: "webrtc",
    care4wId: "care4w-1000001",
    iceServers: [{ urls: ["stun:stun.example.org:3478"] }],
    ringTimeoutSeconds: 45,
    recordCalls: false,
  });
  assert.equal((await t.app.request("/api/token")).status, 401);
  await t.close();
});

Deno.test("unknown /api paths answer 404 problem+json, with or without a session", async () => {
  const t = createTestApp();
  const cookie = await t.signup("ann@example.org");
  for (const headers of [{}, { cookie }] as Record<string, string>[]) {
    const response = await t.app.request("/api/does-not-exist", { headers });
    assert.equal(response.status, 404);
    assert.equal(response.headers.get("content-type"), "application/problem+json");
    assert.match((await response.json()).detail, /does-not-exist/);
  }
  await t.close();
});

Deno.test("bodies over 64 KiB are refused with 413", async () => {
  const t = createTestApp();
  const response = await t.app.request("/api/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "a@example.org", password: "x".repeat(70_000) }),
  });
  assert.equal(response.status, 413);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  await t.close();
});

Deno.test("GET /api/token in sip mode adds short-lived SIP credentials for this user", async () => {
  const { SIP_TEST_ENV, SIP_TEST_SECRETS } = await import("../../testing/app.ts");
  const { parseEphemeralUsername } = await import("../../../shared/sip-credentials.ts");
  const { createRecordingAgent } = await import("../../testing/recording-agent.ts");
  const now = new Date("2026-11-21T12:00:00Z");
  const t = createTestApp(SIP_TEST_ENV, { agent: createRecordingAgent(), now: () => now });
  const cookie = await t.signup("ann@example.org");
  const response = await t.app.request("/api/token", { headers: { cookie } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("cache-control"), "no-store");
  const body = await response.json();
  const expiresAt = now.getTime() / 1000 + 3600;
  assert.equal(body.token, null);
  assert.equal(body.mode, "sip");
  assert.equal(body.care4wId, "care4w-1000001");
  assert.deepEqual(body.iceServers, []);
  assert.equal(body.sip.wsUrl, "wss://sip.careflow.test:8443");
  assert.equal(body.sip.domain, "careflow.test");
  assert.equal(body.sip.username, `${expiresAt}:care4w-1000001`);
  assert.equal(body.sip.expiresAt, expiresAt);
  const parsed = parseEphemeralUsername(SIP_TEST_SECRETS.credential, body.sip.username, 0);
  assert.equal(body.sip.password, parsed?.password);
  // The SIP WebSocket is allowed by the page's CSP.
  assert.match(
    response.headers.get("content-security-policy")!,
    /connect-src 'self' wss:\/\/sip\.careflow\.test:8443;/,
  );
  await t.close();
});

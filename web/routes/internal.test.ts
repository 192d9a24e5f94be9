import assert from "node:assert/strict";
import { signRequest } from "../../shared/signing.ts";
import { createTestApp, SIP_TEST_ENV, SIP_TEST_SECRETS } from "../testing/app.ts";
import { createRecordingAgent } from "../testing/recording-agent.ts";

const PATH = "/internal/subscribers/care4w-1000001";

function signed(path = PATH, options: { secret?: string; now?: number; nonce?: string } = {}) {
  return {
    headers: signRequest({
      secret: options.secret ?? SIP_TEST_SECRETS.internal,
      method: "GET",
      path,
      body: "",
      now: options.now,
      nonce: options.nonce,
    }),
  };
}

async function sipApp() {
  const t = createTestApp(SIP_TEST_ENV, { agent: createRecordingAgent() });
  const cookie = await t.signup("ann@example.org", "Ann");
  return { t, cookie };
}

Deno.test("a signed fetch answers {care4wId, ha1: null, active} before any phone password", async () => {
  const { t } = await sipApp();
  const response = await t.app.request(PATH, signed());
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), {
    care4wId: "care4w-1000001",
    ha1: null,
    active: true,
    displayName: "Ann",
  });
  await t.close();
});

Deno.test("after a rotation the fetch carries the HA1; a deactivated user is inactive", async () => {
  const { t, cookie } = await sipApp();
  await t.app.request("/api/sip/credentials", { method: "POST", headers: { cookie } });
  const user = (await t.services.store.findUserByEmail("ann@example.org"))!;
  const ha1 = (await t.services.store.getSipCredential(user.id))!.ha1;
  assert.equal((await (await t.app.request(PATH, signed())).json()).ha1, ha1);
  await t.services.store.updateUser(user.id, { isActive: false });
  assert.equal((await (await t.app.request(PATH, signed())).json()).active, false);
  await t.close();
});

Deno.test("an unknown CareFlow ID is 404, a malformed one 400", async () => {
  const { t } = await sipApp();
  const missing = "/internal/subscribers/care4w-1999999";
  assert.equal((await t.app.request(missing, signed(missing))).status, 404);
  const malformed = "/internal/subscribers/bob";
  assert.equal((await t.app.request(malformed, signed(malformed))).status, 400);
  await t.close();
});

Deno.test("wrong secret, no signature, a session cookie alone, or another path: 401", async () => {
  const { t, cookie } = await sipApp();
  const wrong = await t.app.request(PATH, signed(PATH, { secret: "another-secret-0123456789" }));
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get("content-type"), "application/problem+json");
  // Which check failed is logged, not told.
  assert.equal((await wrong.json()).detail, "The request signature was refused.");
  assert.match(t.logs.join("\n"), /bad signature/);
  assert.equal((await t.app.request(PATH)).status, 401);
  assert.equal((await t.app.request(PATH, { headers: { cookie } })).status, 401);
  // Signed for another user's path: the signature covers the path.
  const other = signed("/internal/subscribers/care4w-1000002");
  assert.equal((await t.app.request(PATH, other)).status, 401);
  const body = JSON.stringify(await (await t.app.request(PATH, other)).json());
  assert.doesNotMatch(body, /[0-9a-f]{64}/, "no signature echoed");
  await t.close();
});

Deno.test("a replayed nonce and a stale or future timestamp are refused", async () => {
  const { t } = await sipApp();
  const once = signed();
  assert.equal((await t.app.request(PATH, once)).status, 200);
  const replay = await t.app.request(PATH, once);
  assert.equal(replay.status, 401);
  assert.equal((await replay.json()).detail, "The request signature was refused.");
  assert.match(t.logs.join("\n"), /replayed/);
  const now = Date.now() / 1000;
  const stale = await t.app.request(PATH, signed(PATH, { now: now - 301 }));
  assert.equal(stale.status, 401);
  assert.equal((await stale.json()).detail, "The request signature was refused.");
  assert.match(t.logs.join("\n"), /stale/);
  assert.equal((await t.app.request(PATH, signed(PATH, { now: now + 301 }))).status, 401);
  assert.equal((await t.app.request(PATH, signed(PATH, { now: now - 60 }))).status, 200);
  await t.close();
});

Deno.test("the internal API is 404 when SIP is not configured", async () => {
  const t = createTestApp();
  const response = await t.app.request(PATH, signed());
  assert.equal(response.status, 404);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  await t.close();
});

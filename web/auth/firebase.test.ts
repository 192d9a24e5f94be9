import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createFirebaseVerifier } from "./firebase.ts";
import { createTestApp, jsonPost, sessionCookie } from "../testing/app.ts";

const PROJECT = "careflow-test";

/** A real JWKS endpoint on loopback, serving one RS256 public key, like Google's securetoken. */
async function keyServer() {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.json({ keys: [jwk] }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/jwks`;
  return { url, privateKey, close: () => server.shutdown() };
}

type Overrides = { iss?: string; aud?: string; exp?: number; authTime?: number; email?: string };

async function idToken(key: CryptoKey, o: Overrides = {}, kid = "k1") {
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT({
    email: o.email ?? "fiona@example.org",
    email_verified: true,
    name: "Fiona Firebase",
    auth_time: o.authTime ?? now - 60,
  })
    .setProtectedHeader({ alg: "RS256", kid })
    .setIssuer(o.iss ?? `https://securetoken.google.com/${PROJECT}`)
    .setAudience(o.aud ?? PROJECT)
    .setSubject("firebase-uid-1")
    .setIssuedAt(now - 60)
    .setExpirationTime(o.exp ?? now + 3600)
    .sign(key);
}

Deno.test("a valid Firebase ID token creates the user once and starts a session", async () => {
  const keys = await keyServer();
  const t = createTestApp({ FIREBASE_PROJECT_ID: PROJECT }, {
    firebase: createFirebaseVerifier(PROJECT, keys.url),
  });
  const token = await idToken(keys.privateKey);
  const first = await t.app.request("/api/auth/firebase", jsonPost({ idToken: token }));
  assert.equal(first.status, 200);
  const { user } = await first.json();
  assert.equal(user.email, "fiona@example.org");
  assert.equal(user.displayName, "Fiona Firebase");
  assert.equal(user.care4wId, "care4w-1000001");
  const me = await t.app.request("/api/me", { headers: { cookie: sessionCookie(first) } });
  assert.equal((await me.json()).user.id, user.id);
  const again = await t.app.request("/api/auth/firebase", jsonPost({ idToken: token }));
  assert.equal((await again.json()).user.id, user.id, "found, not created twice");
  await t.close();
  await keys.close();
});

Deno.test("expired, wrong-audience, wrong-issuer, future auth_time and wrongly signed tokens are refused", async () => {
  const keys = await keyServer();
  const stranger = await generateKeyPair("RS256");
  const t = createTestApp({ FIREBASE_PROJECT_ID: PROJECT }, {
    firebase: createFirebaseVerifier(PROJECT, keys.url),
  });
  const now = Math.floor(Date.now() / 1000);
  const cases: [string, string, RegExp][] = [
    ["expired", await idToken(keys.privateKey, { exp: now - 120 }), /expired/],
    ["audience", await idToken(keys.privateKey, { aud: "other-project" }), /aud/],
    ["issuer", await idToken(keys.privateKey, { iss: "https://evil.example" }), /iss/],
    ["auth_time", await idToken(keys.privateKey, { authTime: now + 600 }), /auth_time/],
    ["signature", await idToken(stranger.privateKey), /signature/],
    ["unknown key", await idToken(stranger.privateKey, {}, "k2"), /known key/],
  ];
  for (const [name, token, reason] of cases) {
    const response = await t.app.request("/api/auth/firebase", jsonPost({ idToken: token }));
    assert.equal(response.status, 401, name);
    const problem = await response.json();
    assert.match(problem.detail, reason, name);
    assert.ok(!problem.detail.includes(token), "the token is never echoed");
    assert.equal(response.headers.get("set-cookie"), null, name);
  }
  assert.equal(await t.services.store.findUserByFirebaseUid("firebase-uid-1"), null);
  await t.close();
  await keys.close();
});

Deno.test("a Firebase email that already has a local account is not silently linked", async () => {
  const keys = await keyServer();
  const t = createTestApp({ FIREBASE_PROJECT_ID: PROJECT }, {
    firebase: createFirebaseVerifier(PROJECT, keys.url),
  });
  await t.signup("fiona@example.org");
  const response = await t.app.request(
    "/api/auth/firebase",
    jsonPost({ idToken: await idToken(keys.privateKey) }),
  );
  assert.equal(response.status, 409);
  await t.close();
  await keys.close();
});

Deno.test("without FIREBASE_PROJECT_ID the endpoint does not exist", async () => {
  const t = createTestApp();
  const response = await t.app.request("/api/auth/firebase", jsonPost({ idToken: "x".repeat(40) }));
  assert.equal(response.status, 404);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  await t.close();
});

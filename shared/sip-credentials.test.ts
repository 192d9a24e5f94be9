import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { digestHa1, ephemeralSipCredentials, parseEphemeralUsername } from "./sip-credentials.ts";

const secret = "sip-secret-0123456789";
const now = 1_800_000_000;

Deno.test("ephemeral credentials follow the TURN REST convention", () => {
  const creds = ephemeralSipCredentials(secret, "care4w-1000001", 3600, now);
  assert.equal(creds.username, `${now + 3600}:care4w-1000001`);
  assert.equal(creds.expiresAt, now + 3600);
  const expected = createHmac("sha1", secret).update(creds.username).digest("base64");
  assert.equal(creds.password, expected);
});

Deno.test("a valid ephemeral username parses back to its ID and password", () => {
  const creds = ephemeralSipCredentials(secret, "care4w-1000001", 60, now);
  assert.deepEqual(parseEphemeralUsername(secret, creds.username, now + 59), {
    care4wId: "care4w-1000001",
    password: creds.password,
    expiresAt: now + 60,
  });
});

Deno.test("another secret yields another password", () => {
  const creds = ephemeralSipCredentials(secret, "care4w-1000001", 60, now);
  const parsed = parseEphemeralUsername("other-secret-0123456789", creds.username, now);
  assert.notEqual(parsed?.password, creds.password);
});

Deno.test("expired, malformed and non-canonical usernames are refused", () => {
  const creds = ephemeralSipCredentials(secret, "care4w-1000001", 60, now);
  assert.equal(parseEphemeralUsername(secret, creds.username, now + 60), null);
  for (
    const bad of [
      "care4w-1000001",
      `${now + 60}:CARE4W-1000001`,
      `${now + 60}:1000001`,
      `${now + 60}:care4w-1000001:x`,
      `x${now + 60}:care4w-1000001`,
      `:care4w-1000001`,
      `${now + 60}:`,
      "1234567890123:care4w-1000001",
      "",
    ]
  ) {
    assert.equal(parseEphemeralUsername(secret, bad, now), null, bad);
  }
});

Deno.test("issuing refuses bad IDs and lifetimes", () => {
  assert.throws(() => ephemeralSipCredentials(secret, "alice", 60, now), TypeError);
  assert.throws(() => ephemeralSipCredentials(secret, "care4w-1000001", 0, now), RangeError);
  assert.throws(() => ephemeralSipCredentials(secret, "care4w-1000001", 1.5, now), RangeError);
});

Deno.test("HA1 is hex md5 of username:realm:password", () => {
  // Known vector: md5("Mufasa:testrealm@host.com:Circle Of Life") from RFC 2617's example.
  assert.equal(
    digestHa1("Mufasa", "testrealm@host.com", "Circle Of Life"),
    "939e7578ed9e3c518a452acee763bce9",
  );
});

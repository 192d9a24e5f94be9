import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  canonicalString,
  NONCE_HEADER,
  SIGNATURE_HEADER,
  signRequest,
  TIMESTAMP_HEADER,
  verifyRequest,
} from "./signing.ts";

const secret = "test-secret-0123456789";
const now = 1_800_000_000;
const base = { secret, method: "PUT", path: "/internal/subscribers/care4w-1000001", body: "{}" };

Deno.test("a signed request verifies and yields its nonce", () => {
  const headers = signRequest({ ...base, now });
  const result = verifyRequest({ ...base, headers, now });
  assert.deepEqual(result, { ok: true, nonce: headers[NONCE_HEADER] });
});

Deno.test("the signature is hex HMAC-SHA256 over the documented canonical string", () => {
  const headers = signRequest({ ...base, method: "put", now, nonce: "abcdefghijklmnop" });
  const expected = createHmac("sha256", secret)
    .update(`${now}\nabcdefghijklmnop\nPUT\n${base.path}\n{}`)
    .digest("hex");
  assert.equal(headers[SIGNATURE_HEADER], expected);
  assert.equal(headers[TIMESTAMP_HEADER], String(now));
  assert.equal(
    canonicalString("1", "n", "get", "/p?q=1", ""),
    "1\nn\nGET\n/p?q=1\n",
  );
});

Deno.test("nonces are random", () => {
  const a = signRequest({ ...base, now })[NONCE_HEADER];
  const b = signRequest({ ...base, now })[NONCE_HEADER];
  assert.notEqual(a, b);
});

Deno.test("a Fetch Headers object is accepted", () => {
  const headers = new Headers(signRequest({ ...base, now }));
  assert.equal(verifyRequest({ ...base, headers, now }).ok, true);
});

Deno.test("any change to method, path, query, body or secret breaks the signature", () => {
  const headers = signRequest({ ...base, now });
  const variants = [
    { method: "DELETE" },
    { path: "/internal/subscribers/care4w-1000002" },
    { path: `${base.path}?x=1` },
    { body: '{"active":false}' },
    { secret: "another-secret-0123456789" },
  ];
  for (const change of variants) {
    assert.deepEqual(verifyRequest({ ...base, ...change, headers, now }), {
      ok: false,
      reason: "bad signature",
    });
  }
});

Deno.test("stale and future timestamps are refused; the window is configurable", () => {
  const headers = signRequest({ ...base, now });
  assert.equal(verifyRequest({ ...base, headers, now: now + 300 }).ok, true);
  assert.deepEqual(verifyRequest({ ...base, headers, now: now + 301 }), {
    ok: false,
    reason: "stale timestamp",
  });
  assert.equal(verifyRequest({ ...base, headers, now: now - 301 }).ok, false);
  assert.equal(verifyRequest({ ...base, headers, now: now + 20, maxAgeSeconds: 10 }).ok, false);
});

Deno.test("missing or malformed headers are refused with a reason", () => {
  const good = signRequest({ ...base, now });
  const cases: Array<[Record<string, string>, string]> = [
    [{}, "missing signature headers"],
    [{ ...good, [SIGNATURE_HEADER]: "" }, "missing signature headers"],
    [{ ...good, [TIMESTAMP_HEADER]: "12.5" }, "malformed timestamp"],
    [{ ...good, [NONCE_HEADER]: "short" }, "malformed nonce"],
    [{ ...good, [NONCE_HEADER]: "has spaces in it, many spaces" }, "malformed nonce"],
    [{ ...good, [SIGNATURE_HEADER]: "zz".repeat(32) }, "malformed signature"],
    [{ ...good, [SIGNATURE_HEADER]: good[SIGNATURE_HEADER].slice(2) }, "malformed signature"],
  ];
  for (const [headers, reason] of cases) {
    assert.deepEqual(verifyRequest({ ...base, headers, now }), { ok: false, reason });
  }
});

Deno.test("an upper-case hex signature is the same signature", () => {
  const headers = signRequest({ ...base, now });
  headers[SIGNATURE_HEADER] = headers[SIGNATURE_HEADER].toUpperCase();
  assert.equal(verifyRequest({ ...base, headers, now }).ok, true);
});

Deno.test("an unusable nonce is refused when signing", () => {
  assert.throws(() => signRequest({ ...base, nonce: "bad nonce" }), TypeError);
});

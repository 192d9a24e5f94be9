/**
 * What s3rver cannot tell us: that requests are signed with the configured key for the configured
 * region, that writes ask for server-side encryption, and that presigned links carry the key id
 * and their lifetime. Checked at the proxy in front of s3rver, with an independent SigV4 check.
 */
import assert from "node:assert/strict";
import { BIG, putPattern } from "./testing/contract-reads.ts";
import {
  type CheckedS3,
  checkedStorage,
  REGION,
  startCheckedS3,
  stopCheckedS3,
} from "./testing/s3-fixture.ts";
import { verifySigV4 } from "./testing/sigv4.ts";
import type { SeenRequest } from "./testing/signing-proxy.ts";
import type { S3Storage, S3StorageOptions } from "./s3.ts";
import { patternStream } from "./testing/bytes.ts";
import { StorageLimitError } from "./types.ts";

/** Runs `fn` on a fresh storage and returns the requests it made. */
async function traffic(
  options: Partial<S3StorageOptions>,
  fn: (storage: S3Storage, fixture: CheckedS3) => Promise<unknown>,
): Promise<SeenRequest[]> {
  const fixture = await startCheckedS3();
  try {
    const storage = await checkedStorage(fixture, options);
    try {
      await fn(storage, fixture);
    } finally {
      storage.close();
    }
    return fixture.proxy.requests;
  } finally {
    await stopCheckedS3(fixture);
  }
}

/** Every operation once: a small put, a multipart put, a refused one, reads, list, delete. */
async function everyOperation(storage: S3Storage) {
  await putPattern(storage, "rec/small", 1000);
  await putPattern(storage, "rec/big", BIG);
  await assert.rejects(
    storage.put("rec/over", patternStream(BIG), { contentType: "audio/webm", maxBytes: BIG - 1 }),
    StorageLimitError,
  );
  await (await storage.get("rec/big", { start: 10, end: 20 }))!.body.cancel();
  await storage.stat("rec/small");
  await storage.list("rec/");
  await storage.delete("rec/small");
}

const isWrite = (r: SeenRequest) =>
  (r.method === "PUT" && !r.target.includes("partNumber=")) || // PutObject
  (r.method === "POST" && /[?&]uploads(=|&|$)/.test(r.target)); // CreateMultipartUpload

Deno.test("s3 signing: every request carries a valid SigV4 signature of the configured key", async () => {
  const requests = await traffic({}, everyOperation);
  assert.ok(requests.length >= 10, `${requests.length} requests`);
  for (const r of requests) {
    const what = `${r.method} ${r.target}`;
    assert.equal(r.verdict.ok, true, `${what}: ${JSON.stringify(r.verdict)}`);
    assert.match(
      String(r.headers.authorization),
      new RegExp(`^AWS4-HMAC-SHA256 Credential=S3RVER/\\d{8}/${REGION}/s3/aws4_request,`),
      what,
    );
    assert.notEqual(r.payloadMatches, false, `${what}: the body is the one that was signed`);
  }
  assert.ok(
    requests.some((r) => r.payloadMatches === true),
    "signed bodies were hashed and matched",
  );
  const methods = new Set(requests.map((r) => r.method));
  for (const m of ["PUT", "POST", "GET", "HEAD", "DELETE"]) assert.ok(methods.has(m), m);
});

Deno.test("s3 signing: a wrong secret or key id is refused (the check is real)", async () => {
  await traffic({ secretAccessKey: "not-the-secret" }, async (storage) => {
    await assert.rejects(putPattern(storage, "rec/a", 10), { name: "SignatureDoesNotMatch" });
    await assert.rejects(storage.get("rec/a"), { name: "SignatureDoesNotMatch" });
  });
  await traffic({ accessKeyId: "SOMEONE-ELSE" }, async (storage) => {
    await assert.rejects(storage.list(""), { name: "InvalidAccessKeyId" });
  });
});

Deno.test("s3 signing: writes ask for AES256 server-side encryption and send no checksum headers", async () => {
  const requests = await traffic({}, everyOperation);
  const writes = requests.filter(isWrite);
  assert.ok(writes.some((r) => r.method === "PUT"), "a single PutObject");
  assert.ok(writes.some((r) => r.method === "POST"), "a CreateMultipartUpload");
  for (const r of writes) {
    assert.equal(r.headers["x-amz-server-side-encryption"], "AES256", r.target);
    assert.ok(
      r.verdict.ok && r.verdict.signedHeaders.includes("x-amz-server-side-encryption"),
      "the encryption header is signed, so nothing on the way can drop it",
    );
  }
  // Backblaze B2 refuses the SDK's default checksum headers ("Unsupported header").
  for (const r of requests) {
    const names = Object.keys(r.headers).filter((h) => /^x-amz-(sdk-)?checksum/.test(h));
    assert.deepEqual(names, [], `${r.method} ${r.target}`);
  }
  const off = await traffic({ serverSideEncryption: false }, (s) => putPattern(s, "a", 10));
  assert.equal(off.filter(isWrite)[0].headers["x-amz-server-side-encryption"], undefined);
});

Deno.test("s3 signing: a presigned link names the key id, region and lifetime, and expires", async () => {
  await traffic({}, async (storage, { proxy }) => {
    await putPattern(storage, "rec/link", 100);
    const signedAt = Date.now();
    const url = new URL((await storage.signedUrl("rec/link", 90))!);
    assert.equal(url.origin, proxy.endpoint);
    const q = url.searchParams;
    assert.match(
      q.get("X-Amz-Credential")!,
      new RegExp(`^S3RVER/\\d{8}/${REGION}/s3/aws4_request$`),
    );
    assert.equal(q.get("X-Amz-Expires"), "90");
    assert.equal(q.get("X-Amz-Algorithm"), "AWS4-HMAC-SHA256");
    assert.equal(q.get("X-Amz-SignedHeaders"), "host");
    const arrived = {
      method: "GET",
      target: url.pathname + url.search,
      headers: { host: url.host },
    };
    const secrets = { S3RVER: "S3RVER" };
    assert.equal(verifySigV4(arrived, secrets, signedAt + 89_000).ok, true, "valid for 90 s");
    const late = verifySigV4(arrived, secrets, signedAt + 91_000);
    assert.equal(late.ok === false && late.message, "Request has expired");
    // The signature covers the key: the link cannot be turned into another recording's.
    const other = url.href.replace("/rec/link?", "/rec/other?");
    const refused = await fetch(other);
    await refused.body?.cancel();
    assert.equal(refused.status, 403);
  });
});

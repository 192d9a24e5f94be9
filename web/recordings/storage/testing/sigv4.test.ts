/** The checker itself, against the examples in AWS's S3 SigV4 documentation. */
import assert from "node:assert/strict";
import { verifySigV4 } from "./sigv4.ts";

const SECRETS = { AKIAIOSFODNN7EXAMPLE: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const SCOPE = "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";
const AT = Date.parse("2013-05-24T00:00:00Z");
const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

function headerSigned(target: string, signed: string, signature: string, extra = {}) {
  return {
    method: "GET",
    target,
    headers: {
      host: "examplebucket.s3.amazonaws.com",
      "x-amz-date": "20130524T000000Z",
      "x-amz-content-sha256": EMPTY,
      authorization:
        `AWS4-HMAC-SHA256 Credential=${SCOPE},SignedHeaders=${signed},Signature=${signature}`,
      ...extra,
    },
  };
}

Deno.test("sigv4 check: AWS's GET Object example verifies, a changed header does not", () => {
  const request = headerSigned(
    "/test.txt",
    "host;range;x-amz-content-sha256;x-amz-date",
    "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    { range: "bytes=0-9" },
  );
  const verdict = verifySigV4(request, SECRETS, AT);
  assert.equal(verdict.ok, true, JSON.stringify(verdict));
  const changed = { ...request, headers: { ...request.headers, range: "bytes=0-10" } };
  assert.equal(verifySigV4(changed, SECRETS, AT).ok, false);
  assert.deepEqual(verifySigV4(request, { AKIAIOSFODNN7EXAMPLE: "other" }, AT), {
    ok: false,
    code: "SignatureDoesNotMatch",
    message: "The request signature we calculated does not match",
  });
});

Deno.test("sigv4 check: AWS's list example (sorted query) verifies", () => {
  const request = headerSigned(
    "/?max-keys=2&prefix=J",
    "host;x-amz-content-sha256;x-amz-date",
    "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
  );
  assert.equal(verifySigV4(request, SECRETS, AT).ok, true);
});

Deno.test("sigv4 check: AWS's presigned URL example verifies until it expires", () => {
  const request = {
    method: "GET",
    target: "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" +
      encodeURIComponent(SCOPE) +
      "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
      "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
    headers: { host: "examplebucket.s3.amazonaws.com" },
  };
  assert.equal(verifySigV4(request, SECRETS, AT + 86_400_000).ok, true);
  const late = verifySigV4(request, SECRETS, AT + 86_401_000);
  assert.equal(late.ok === false && late.code, "AccessDenied");
  assert.equal(verifySigV4(request, {}, AT).ok, false, "an unknown key id");
});

/**
 * An independent AWS Signature Version 4 check, for tests: s3rver accepts any signature, so the
 * tests verify what the SDK sends against the secret themselves (header-signed requests and
 * presigned URLs), written from the AWS specification and checked against its published examples.
 */
import { Buffer } from "node:buffer";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** A request as it arrived: the raw target (path and query, as sent) and its headers. */
export interface ArrivedRequest {
  method: string;
  /** Path and query exactly as on the request line, e.g. `/bucket/key?uploads=`. */
  target: string;
  /** Header names in lower case (as node:http gives them). */
  headers: Record<string, string | string[] | undefined>;
}

/** What the check found. */
export type Verdict =
  | {
    ok: true;
    accessKeyId: string;
    date: string;
    region: string;
    service: string;
    signedHeaders: string[];
    presigned: boolean;
  }
  | { ok: false; code: string; message: string };

const hex = (data: string) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Uint8Array, data: string) =>
  createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const encode = (text: string) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

function queryPairs(query: string): [string, string][] {
  if (!query) return [];
  return query.split("&").map((pair) => {
    const at = pair.indexOf("=");
    const [name, value] = at < 0 ? [pair, ""] : [pair.slice(0, at), pair.slice(at + 1)];
    return [decodeURIComponent(name), decodeURIComponent(value)];
  });
}

function canonicalQuery(pairs: [string, string][]): string {
  return pairs.map(([n, v]) => [encode(n), encode(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`).join("&");
}

function headerValue(headers: ArrivedRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(",") : value).trim().replace(/\s+/g, " ");
}

/** The parts a signature names, from the Authorization header or the presigned query. */
function signatureParts(request: ArrivedRequest, pairs: [string, string][]) {
  const query = Object.fromEntries(pairs);
  const auth = headerValue(request.headers, "authorization");
  if (query["X-Amz-Algorithm"] !== undefined) {
    return {
      presigned: true,
      algorithm: query["X-Amz-Algorithm"],
      credential: query["X-Amz-Credential"] ?? "",
      signedHeaders: query["X-Amz-SignedHeaders"] ?? "",
      signature: query["X-Amz-Signature"] ?? "",
      amzDate: query["X-Amz-Date"] ?? "",
      expires: Number(query["X-Amz-Expires"]),
      payload: "UNSIGNED-PAYLOAD",
    };
  }
  const match = /^(\S+) Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/
    .exec(auth ?? "");
  if (!match) return undefined;
  return {
    presigned: false,
    algorithm: match[1],
    credential: match[2],
    signedHeaders: match[3],
    signature: match[4],
    amzDate: headerValue(request.headers, "x-amz-date") ?? "",
    expires: NaN,
    payload: headerValue(request.headers, "x-amz-content-sha256") ?? "",
  };
}

/**
 * Checks `request`'s SigV4 signature with the secret of the key id it names (`secrets`), and for
 * presigned URLs their lifetime at `now`.
 */
export function verifySigV4(
  request: ArrivedRequest,
  secrets: Record<string, string>,
  now = Date.now(),
): Verdict {
  const refuse = (code: string, message: string): Verdict => ({ ok: false, code, message });
  const at = request.target.indexOf("?");
  const path = at < 0 ? request.target : request.target.slice(0, at);
  const pairs = queryPairs(at < 0 ? "" : request.target.slice(at + 1));
  const parts = signatureParts(request, pairs);
  if (!parts) return refuse("AccessDenied", "no AWS4 signature on the request");
  if (parts.algorithm !== "AWS4-HMAC-SHA256") return refuse("AccessDenied", "not AWS4-HMAC-SHA256");
  const [accessKeyId, date, region, service, terminal] = parts.credential.split("/");
  const secret = secrets[accessKeyId];
  if (secret === undefined) return refuse("InvalidAccessKeyId", `unknown key id ${accessKeyId}`);
  if (terminal !== "aws4_request" || !parts.amzDate.startsWith(date)) {
    return refuse("AuthorizationQueryParametersError", "the credential scope is malformed");
  }
  const signedAt = Date.parse(
    parts.amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z"),
  );
  if (parts.presigned) {
    if (!(parts.expires >= 1 && parts.expires <= 604_800)) {
      return refuse("AuthorizationQueryParametersError", "bad X-Amz-Expires");
    }
    if (now > signedAt + parts.expires * 1000) return refuse("AccessDenied", "Request has expired");
  } else if (!(Math.abs(now - signedAt) < 15 * 60_000)) {
    return refuse("RequestTimeTooSkewed", "the request time is too far from now");
  }
  const names = parts.signedHeaders.split(";");
  if (!names.includes("host")) return refuse("AccessDenied", "the host header is not signed");
  const canonical = [
    request.method,
    path,
    canonicalQuery(pairs.filter(([name]) => name !== "X-Amz-Signature")),
    names.map((name) => `${name}:${headerValue(request.headers, name) ?? ""}\n`).join(""),
    parts.signedHeaders,
    parts.payload,
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", parts.amzDate, scope, hex(canonical)].join("\n");
  let key: Uint8Array = hmac(`AWS4${secret}`, date);
  for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
  const expected = createHmac("sha256", key).update(toSign).digest();
  const given = Buffer.from(parts.signature, "hex");
  if (given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) {
    return refuse("SignatureDoesNotMatch", "The request signature we calculated does not match");
  }
  return {
    ok: true,
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: names,
    presigned: parts.presigned,
  };
}

/**
 * A checking front for s3rver, for tests: every request's SigV4 signature is verified with the
 * secret (see `sigv4.ts`) before it is passed on, a bad or expired one is answered 403 as S3
 * would, and every request is recorded (method, target, headers, verdict) for tests to inspect.
 * Bodies stream through; their declared SHA-256 is checked on the way and mismatches recorded.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type ArrivedRequest, type Verdict, verifySigV4 } from "./sigv4.ts";

/** One request the proxy saw. */
export interface SeenRequest extends ArrivedRequest {
  verdict: Verdict;
  /** False when the body's SHA-256 differed from `x-amz-content-sha256` (set once it ends). */
  payloadMatches?: boolean;
}

/** A running proxy. */
export interface SigningProxy {
  endpoint: string;
  requests: SeenRequest[];
  stop(): Promise<void>;
}

const xmlError = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

function forward(
  upstream: URL,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  seen: SeenRequest,
) {
  const headers = { ...request.headers, host: upstream.host };
  delete headers.expect; // node answered 100-continue already; the body follows at once
  const outgoing = http.request({
    host: upstream.hostname,
    port: upstream.port,
    method: request.method,
    path: request.url,
    headers,
    agent: false, // one connection per request: nothing lingers when the proxy stops
  }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    // Headers at once, as S3 sends them: s3rver announces 1 byte for a range of an empty object
    // and never sends it, and the client must still see the answer to give up on it.
    response.flushHeaders();
    answer.pipe(response);
  });
  response.on("close", () => outgoing.destroy()); // the client left: stop waiting upstream
  outgoing.on("error", (error) => {
    if (!response.headersSent) response.writeHead(502);
    response.end(String(error));
  });
  const declared = request.headers["x-amz-content-sha256"];
  const hash = typeof declared === "string" && /^[0-9a-f]{64}$/.test(declared)
    ? createHash("sha256")
    : undefined;
  request.on("data", (chunk: Buffer) => hash?.update(chunk));
  request.on("end", () => {
    if (hash) seen.payloadMatches = hash.digest("hex") === declared;
  });
  request.pipe(outgoing);
}

/** Starts the proxy in front of `upstream`, knowing `secrets` (key id → secret). */
export async function startSigningProxy(
  upstream: string,
  secrets: Record<string, string>,
): Promise<SigningProxy> {
  const target = new URL(upstream);
  const requests: SeenRequest[] = [];
  const server = http.createServer((request, response) => {
    const arrived = {
      method: request.method ?? "GET",
      target: request.url ?? "/",
      headers: request.headers,
    };
    const seen: SeenRequest = { ...arrived, verdict: verifySigV4(arrived, secrets) };
    requests.push(seen);
    response.setHeader("connection", "close"); // so stop() never waits on an idle client
    if (seen.verdict.ok) return forward(target, request, response, seen);
    request.resume();
    response.writeHead(403, { "content-type": "application/xml" });
    response.end(xmlError(seen.verdict.code, seen.verdict.message));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Shared test fixtures: a config and signed-request builders. */
import type { AgentConfig } from "../config.ts";
import { signRequest } from "../../../shared/signing.ts";

/** Secrets used only by tests. */
export const TEST_SIP_SECRET = "test-sip-secret-0123456789";
export const TEST_API_SECRET = "test-api-secret-0123456789";
export const TEST_REALM = "careflow.test";

/** A config for `createAgent` (port 0; web and Kamailio are injected per test). */
export function testConfig(redisUrl: string, overrides: Partial<AgentConfig> = {}): AgentConfig {
  return {
    host: "127.0.0.1",
    port: 0,
    redisUrl,
    sipDomain: TEST_REALM,
    sipCredentialSecret: TEST_SIP_SECRET,
    internalApiSecret: TEST_API_SECRET,
    webUrl: null,
    kamailioRpcUrl: null,
    kamailioPeerRpcUrls: [],
    kamailioUsrlocRedisUrl: null,
    kamailioApiSecret: null,
    kamailioEvapi: null,
    freeswitch: null,
    recordings: { spoolDir: null, mp3: false, ffmpegPath: "ffmpeg", greetingsDir: null },
    objectStore: null,
    events: { batchSize: 100 },
    ...overrides,
  };
}

/** A `RequestInit` for `app.request(path, init)` signed as web would sign it. */
export function signedInit(
  method: string,
  path: string,
  body?: unknown,
  options: { now?: number; secret?: string; nonce?: string } = {},
): RequestInit {
  const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  const headers = signRequest({
    secret: options.secret ?? TEST_API_SECRET,
    method,
    path,
    body: text,
    now: options.now,
    nonce: options.nonce,
  });
  return {
    method,
    headers: { ...headers, "content-type": "application/json" },
    body: text === "" ? undefined : text,
  };
}

import type { AppServices, createApp } from "../app.ts";
import { composeWeb, type Overrides } from "../compose.ts";
import { loadConfig } from "../config.ts";
import { createLogger } from "../log.ts";
import { argon2Hasher } from "../auth/passwords.ts";
import { createMemoryHub } from "../signal/memory-hub.ts";
import type { Store } from "../store/mod.ts";
import { openSqliteStore } from "../store/sqlite/mod.ts";
import { createLocalStorage } from "../recordings/storage/local.ts";
import type { Manifest } from "../build/manifest.ts";
import * as islands from "../islands/mod.ts";

/** A manifest naming every registered island, for in-memory tests that do not load the chunks. */
export const TEST_MANIFEST: Manifest = {
  boot: "/static/build/boot-TEST.js",
  styles: "/static/build/styles-TEST.css",
  islands: Object.fromEntries(
    Object.keys(islands).map((name) => [name, `/static/build/island-${name}-TEST.js`]),
  ),
  // Every island shares one chunk with the boot module, as esbuild's splitting makes it.
  imports: Object.fromEntries([
    ["/static/build/boot-TEST.js", ["/static/build/chunk-PREACT.js"]],
    ...Object.keys(islands).map((name) => [
      `/static/build/island-${name}-TEST.js`,
      ["/static/build/chunk-PREACT.js"],
    ]),
  ]),
};

export interface TestApp {
  /**
   * The app, requested as a browser on our own pages would: a request carrying a cookie gets
   * `Sec-Fetch-Site: same-origin` unless it says otherwise (the same-origin proof of the guard).
   */
  app: ReturnType<typeof createApp>;
  /** The app exactly as requested, for tests of what a script without browser headers sends. */
  raw: ReturnType<typeof createApp>;
  services: AppServices;
  /** Undelivered agent changes of an earlier run taken up again (see `composeWeb`). */
  resumed: Promise<number>;
  /** Every log line written, to assert what reaches the logs. */
  logs: string[];
  /** Signs up through the API and returns the session cookie header value. */
  signup(email: string, displayName?: string, password?: string): Promise<string>;
  /** Gives the account the admin role, as the operator's `deno task admin promote` does. */
  promote(email: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real app over a real in-memory SQLite store, with cheaper argon2 so tests can create many
 * accounts. `env` overrides configuration exactly as environment variables would.
 */
export function createTestApp(
  env: Record<string, string> = {},
  overrides: Overrides & { store?: Store } = {},
): TestApp {
  const logs: string[] = [];
  // Tests sign many people up from one "address" and look often: the limits have their own tests.
  // Anyone may sign up (`open`); invitation-only sign-up has its own tests, which ask for it.
  const config = loadConfig({
    DATA_DIR: "/nonexistent",
    SIGNUP: "open",
    SIGNUPS_PER_HOUR: "1000000",
    LOOKUPS_PER_MINUTE: "1000000",
    ...env,
  });
  const { store = openSqliteStore(":memory:"), ...rest } = overrides;
  const hub = createMemoryHub();
  // Recordings in a throw-away folder, sealed with a throw-away key.
  const recordingsDir = Deno.makeTempDirSync({ prefix: "careflow-recordings-" });
  const storage = createLocalStorage({
    dir: recordingsDir,
    key: crypto.getRandomValues(new Uint8Array(32)),
  });
  const { app, services, resumed, close } = composeWeb(config, { store, hub, storage }, {
    logger: createLogger("debug", (line) => logs.push(line)),
    manifest: () => TEST_MANIFEST,
    passwords: argon2Hasher({ memoryCost: 1024 }),
    sweep: false,
    ...rest,
  });
  return {
    app: asBrowser(app),
    raw: app,
    services,
    resumed,
    logs,
    async promote(email) {
      const user = await store.findUserByEmail(email);
      if (!user) throw new Error(`no account ${email}`);
      await store.updateUser(user.id, { role: "admin" });
    },
    async signup(email, displayName = "Test User", password = "correct horse battery") {
      const response = await app.request(
        "/api/auth/signup",
        jsonPost({ email, password, displayName }),
      );
      if (response.status !== 201) throw new Error(`signup failed: ${await response.text()}`);
      return sessionCookie(response);
    },
    async close() {
      await close();
      await hub.close();
      await store.close();
      await Deno.remove(recordingsDir, { recursive: true });
    },
  };
}

/** A JSON POST request init. */
export function jsonPost(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/** `cf_session=...` from a response's Set-Cookie, ready for a Cookie header. */
export function sessionCookie(response: Response): string {
  const header = response.headers.get("set-cookie") ?? "";
  const match = header.match(/cf_session=([^;]*)/);
  if (!match) throw new Error(`no session cookie in ${JSON.stringify(header)}`);
  return `cf_session=${match[1]}`;
}

/** Secrets of `SIP_TEST_ENV`, for tests that sign requests or recompute credentials. */
export const SIP_TEST_SECRETS = {
  credential: "test-credential-secret-0123",
  internal: "test-internal-api-secret-0123",
};

/** A complete `sip` mode configuration for in-memory tests (nothing listens at AGENT_URL). */
export const SIP_TEST_ENV: Record<string, string> = {
  CALL_MODE: "sip",
  SIP_DOMAIN: "careflow.test",
  SIP_WS_URL: "wss://sip.careflow.test:8443",
  SIP_PROXY: "sip:sip.careflow.test:5060;transport=udp",
  SIP_CREDENTIAL_SECRET: SIP_TEST_SECRETS.credential,
  INTERNAL_API_SECRET: SIP_TEST_SECRETS.internal,
  AGENT_URL: "http://127.0.0.1:9",
  SIP_PASSWORD_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
};

/** `app` whose `request()` adds what a browser adds to a same-origin request with a cookie. */
function asBrowser(app: ReturnType<typeof createApp>): ReturnType<typeof createApp> {
  const browser = Object.create(app) as ReturnType<typeof createApp>;
  browser.request = (input, init, ...rest) => {
    const request = input instanceof Request ? input : undefined;
    const headers = new Headers(init?.headers ?? request?.headers);
    if (headers.has("cookie") && !headers.has("origin") && !headers.has("sec-fetch-site")) {
      headers.set("sec-fetch-site", "same-origin");
    }
    return app.request(input, { ...init, headers }, ...rest);
  };
  return browser;
}

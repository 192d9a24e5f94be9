import assert from "node:assert/strict";
import { startProcess } from "../testing/process.ts";
import { ConfigError, loadConfig } from "./config.ts";

Deno.test("no configuration means the embedded defaults", () => {
  const config = loadConfig({});
  assert.equal(config.port, 8000);
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.dataDir, "./data");
  assert.equal(config.callMode, "webrtc");
  assert.equal(config.mongodbUri, undefined);
  assert.equal(config.firebase, undefined);
  assert.deepEqual(config.stunUrls, []);
});

Deno.test("PORT and DATA_DIR override; empty values fall back to defaults", () => {
  const config = loadConfig({ PORT: "9001", DATA_DIR: "/var/careflow", CALL_MODE: "" });
  assert.equal(config.port, 9001);
  assert.equal(config.dataDir, "/var/careflow");
  assert.equal(config.callMode, "webrtc");
});

Deno.test("a bad value names the variable and what is wrong", () => {
  const error = (() => {
    try {
      loadConfig({ PORT: "eighty", CALL_MODE: "carrier-pigeon", MONGODB_URI: "postgres://x" });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof ConfigError);
  assert.match(error.message, /PORT/);
  assert.match(error.message, /CALL_MODE/);
  assert.match(error.message, /MONGODB_URI: must be a mongodb:\/\/ URI/);
  assert.doesNotMatch(error.message, /at \w+ \(/, "no stack trace");
});

Deno.test("Firebase mode switches on with a project id and keeps the default key URL", () => {
  const config = loadConfig({ FIREBASE_PROJECT_ID: "careflow-test" });
  assert.equal(config.firebase?.projectId, "careflow-test");
  assert.match(config.firebase!.jwksUrl, /securetoken@system\.gserviceaccount\.com$/);
});

Deno.test("sign-up is by invitation, for a week, unless SIGNUP=open; bad values are named", () => {
  assert.deepEqual(loadConfig({}).signup, { mode: "invite", inviteDays: 7 });
  assert.deepEqual(loadConfig({ SIGNUP: "open", INVITE_DAYS: "30" }).signup, {
    mode: "open",
    inviteDays: 30,
  });
  assert.throws(() => loadConfig({ SIGNUP: "anyone" }), /SIGNUP/);
  assert.throws(() => loadConfig({ INVITE_DAYS: "0" }), /INVITE_DAYS/);
  assert.throws(() => loadConfig({ INVITE_DAYS: "365" }), /INVITE_DAYS/);
});

Deno.test("a password-reset link lasts an hour unless PASSWORD_RESET_MINUTES says; bounds named", () => {
  assert.equal(loadConfig({}).passwordResetMinutes, 60);
  assert.equal(loadConfig({ PASSWORD_RESET_MINUTES: "15" }).passwordResetMinutes, 15);
  assert.throws(() => loadConfig({ PASSWORD_RESET_MINUTES: "1" }), /PASSWORD_RESET_MINUTES/);
  assert.throws(() => loadConfig({ PASSWORD_RESET_MINUTES: "20000" }), /PASSWORD_RESET_MINUTES/);
  assert.throws(() => loadConfig({ PASSWORD_RESET_MINUTES: "soon" }), /PASSWORD_RESET_MINUTES/);
});

/** Starts the real server with `env` and waits for it to give up; its exit code and output. */
async function refusedStart(env: Record<string, string>) {
  const dataDir = await Deno.makeTempDir({ prefix: "careflow-config-" });
  const server = startProcess("web", Deno.execPath(), ["run", "-A", "web/main.ts"], {
    cwd: new URL("../", import.meta.url).pathname,
    env: { PORT: "0", DATA_DIR: dataDir, ...env },
  });
  try {
    return { code: await server.exit, output: server.output() };
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
}

Deno.test("the server refuses to start on a bad value, without a stack trace", async () => {
  const { code, output } = await refusedStart({ PORT: "99999" });
  assert.equal(code, 1);
  assert.match(output, /PORT/);
  assert.doesNotMatch(output, /at .*\.ts:\d+/);
});

/** A complete SIP configuration, for tests that need `sip` mode. */
const SIP_ENV = {
  CALL_MODE: "sip",
  SIP_DOMAIN: "careflow.local",
  SIP_WS_URL: "ws://127.0.0.1:8080",
  SIP_PROXY: "127.0.0.1:5060",
  SIP_CREDENTIAL_SECRET: "credential-secret-0123456789",
  INTERNAL_API_SECRET: "internal-secret-0123456789",
  AGENT_URL: "http://127.0.0.1:7070/",
  SIP_PASSWORD_KEY: btoa("k".repeat(32)),
};

Deno.test("sip mode reads the SIP edge settings and normalises the proxy and agent URL", () => {
  const config = loadConfig(SIP_ENV);
  assert.equal(config.callMode, "sip");
  assert.equal(config.sip?.domain, "careflow.local");
  assert.equal(config.sip?.proxy, "sip:127.0.0.1:5060");
  assert.equal(config.sip?.agentUrl, "http://127.0.0.1:7070");
  assert.equal(config.sip?.passwordKey.length, 32);
  assert.equal(config.sip?.tokenTtlSeconds, 3600);
  const uri = loadConfig({ ...SIP_ENV, SIP_PROXY: "sip:pbx.example.org:5060;transport=udp" });
  assert.equal(uri.sip?.proxy, "sip:pbx.example.org:5060;transport=udp");
  assert.equal(loadConfig({}).sip, undefined);
});

Deno.test("sip mode names every missing SIP variable and never echoes a secret", () => {
  const error = (() => {
    try {
      loadConfig({ CALL_MODE: "sip", SIP_CREDENTIAL_SECRET: "short-secret" });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof ConfigError);
  for (const name of ["SIP_DOMAIN", "SIP_WS_URL", "SIP_PROXY", "INTERNAL_API_SECRET"]) {
    assert.match(error.message, new RegExp(`${name}: is required when CALL_MODE=sip`));
  }
  assert.match(error.message, /AGENT_URL: is required/);
  assert.match(error.message, /SIP_PASSWORD_KEY: is required/);
  assert.match(error.message, /SIP_CREDENTIAL_SECRET: must be at least 16 characters/);
  assert.doesNotMatch(error.message, /short-secret/);
});

Deno.test("bad SIP values name the variable", () => {
  const error = (() => {
    try {
      loadConfig({
        ...SIP_ENV,
        SIP_WS_URL: "http://127.0.0.1:8080",
        SIP_PASSWORD_KEY: btoa("too short"),
        SIP_TOKEN_TTL_SECONDS: "5",
        ADMIN_EMAILS: "boss@example.org, not-an-email",
      });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof ConfigError);
  assert.match(error.message, /SIP_WS_URL: must be a ws:\/\/ or wss:\/\/ URL/);
  assert.match(error.message, /SIP_PASSWORD_KEY: must be 32 random bytes, base64 encoded/);
  assert.match(error.message, /SIP_TOKEN_TTL_SECONDS/);
  assert.match(error.message, /ADMIN_EMAILS/);
});

Deno.test("ADMIN_EMAILS stops start-up and says how the first admin is made now", () => {
  assert.throws(
    () => loadConfig({ ADMIN_EMAILS: "boss@example.org" }),
    (error) => error instanceof ConfigError && /deno task admin promote/.test(error.message),
  );
});

Deno.test("a calling mode that is not built yet is refused with a clear message", () => {
  assert.throws(
    () => loadConfig({ CALL_MODE: "twilio" }),
    (error) =>
      error instanceof ConfigError &&
      /CALL_MODE: twilio is not a browser engine here; use webrtc or sip/.test(error.message),
  );
});

Deno.test("every bad variable is reported at once, single values and related ones alike", () => {
  assert.throws(
    () => loadConfig({ PORT: "99999", CALL_MODE: "sip", TURN_URLS: "turn:turn.example.org" }),
    (error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /PORT:/);
      assert.match(error.message, /SIP_DOMAIN: is required when CALL_MODE=sip/);
      assert.match(error.message, /TURN_SECRET: is required when TURN_URLS is set/);
      return true;
    },
  );
  assert.throws(
    () => loadConfig({ PORT: "99999", CALL_MODE: "twilio" }),
    (error) =>
      error instanceof ConfigError && /PORT:/.test(error.message) &&
      /CALL_MODE: twilio/.test(error.message),
  );
});

Deno.test("the server refuses to start with such a mode, saying why", async () => {
  const { code, output } = await refusedStart({ CALL_MODE: "twilio" });
  assert.equal(code, 1);
  assert.match(output, /invalid configuration: CALL_MODE: twilio is not a browser engine/);
});

Deno.test("sign-in defences: backoff, per-address limit, known devices and the hash queue", () => {
  const defaults = loadConfig({});
  assert.deepEqual(defaults.login, {
    maxFailures: 10,
    windowMinutes: 15,
    backoffSeconds: 60,
    maxBackoffSeconds: 300,
  });
  assert.equal(defaults.limits.loginsPerSourcePerMinute, 30);
  assert.deepEqual(defaults.knownDevices, { secret: undefined, days: 90 });
  assert.equal(
    defaults.passwordHashing.concurrency,
    Math.max(1, navigator.hardwareConcurrency - 1),
    "a core is left to the event loop",
  );
  assert.equal(defaults.passwordHashing.maxWaiting, 128);
  const set = loadConfig({
    LOGIN_BACKOFF_SECONDS: "5",
    LOGIN_BACKOFF_MAX_SECONDS: "40",
    LOGINS_PER_SOURCE_PER_MINUTE: "100",
    LOGIN_DEVICE_SECRET: "x".repeat(32),
    LOGIN_DEVICE_DAYS: "7",
    PASSWORD_HASH_CONCURRENCY: "3",
    PASSWORD_HASH_QUEUE: "0",
  });
  assert.equal(set.login.backoffSeconds, 5);
  assert.equal(set.login.maxBackoffSeconds, 40);
  assert.equal(set.limits.loginsPerSourcePerMinute, 100);
  assert.deepEqual(set.knownDevices, { secret: "x".repeat(32), days: 7 });
  assert.deepEqual(set.passwordHashing, { concurrency: 3, maxWaiting: 0 });
  assert.throws(
    () =>
      loadConfig({
        LOGIN_BACKOFF_SECONDS: "600",
        LOGIN_DEVICE_SECRET: "too short, and never echoed",
        PASSWORD_HASH_CONCURRENCY: "0",
        LOGINS_PER_SOURCE_PER_MINUTE: "lots",
      }),
    (error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /LOGIN_BACKOFF_SECONDS: must not be more than LOGIN_BACKOFF_MAX/);
      assert.match(error.message, /LOGIN_DEVICE_SECRET: must be at least 32 characters/);
      assert.match(error.message, /PASSWORD_HASH_CONCURRENCY:/);
      assert.match(error.message, /LOGINS_PER_SOURCE_PER_MINUTE:/);
      assert.doesNotMatch(error.message, /never echoed/);
      return true;
    },
  );
});

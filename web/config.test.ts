import assert from "node:assert/strict";
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

Deno.test("the server refuses to start on a bad value, without a stack trace", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./main.ts", import.meta.url).pathname],
    env: { PORT: "99999" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 1);
  assert.match(stderr, /PORT/);
  assert.doesNotMatch(stderr, /at .*\.ts:\d+/);
});

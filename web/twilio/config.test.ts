import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../config.ts";

const TWILIO = {
  TWILIO_ACCOUNT_SID: `AC${"1".repeat(32)}`,
  TWILIO_AUTH_TOKEN: "a".repeat(32),
  TWILIO_API_KEY: `SK${"2".repeat(32)}`,
  TWILIO_API_SECRET: "api-secret-0123456789",
  TWILIO_TWIML_APP_SID: `AP${"3".repeat(32)}`,
  TWILIO_PHONE_NUMBER: "+15550100000",
  PUBLIC_URL: "https://care.example.org",
};

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

Deno.test("Twilio is on with all six variables, and off without any", () => {
  const on = loadConfig(TWILIO).twilio;
  assert.equal(on?.phoneNumber, "+15550100000");
  assert.equal(on?.ringTimeoutSeconds, 25);
  assert.equal(on?.deleteRecordings, true);
  assert.equal(loadConfig({}).twilio, undefined);
});

Deno.test("a partial Twilio set stops start-up naming what is missing, never a value", () => {
  const { TWILIO_API_SECRET: _, TWILIO_PHONE_NUMBER: __, PUBLIC_URL: ___, ...partial } = TWILIO;
  const issues = issuesOf(partial);
  assert.ok(issues.some((i) => i.startsWith("TWILIO_API_SECRET: is required")), issues.join());
  assert.ok(issues.some((i) => i.startsWith("TWILIO_PHONE_NUMBER: is required")));
  assert.ok(issues.some((i) => i.startsWith("PUBLIC_URL: is required with Twilio")));
  const bad = issuesOf({ ...TWILIO, TWILIO_ACCOUNT_SID: "XX-secret-looking-value" });
  assert.ok(bad.some((i) => i.startsWith("TWILIO_ACCOUNT_SID: must be a AC")));
  assert.ok(!bad.join().includes("secret-looking"));
});

Deno.test("calls out go to the organisation number's country unless prefixes are listed", () => {
  assert.deepEqual(loadConfig(TWILIO).twilio?.allowedPrefixes, ["+1"]);
  const listed = loadConfig({ ...TWILIO, OUTSIDE_CALL_PREFIXES: "+44,+353" }).twilio;
  assert.deepEqual(listed?.allowedPrefixes, ["+44", "+353"]);
  assert.match(issuesOf({ ...TWILIO, OUTSIDE_CALL_PREFIXES: "44, +353" }).join(), /OUTSIDE_CALL/);
});

import assert from "node:assert/strict";
import { isE164, normalizePhoneNumber } from "./phone.ts";
import { classifyDialTarget } from "./dial-target.ts";

Deno.test("E.164 numbers have 8 to 15 digits and no leading zero", () => {
  assert.ok(isE164("+12025550123"));
  assert.ok(isE164("+12345678"));
  assert.ok(isE164("+123456789012345"));
  assert.equal(isE164("+1234567"), false);
  assert.equal(isE164("+1234567890123456"), false);
  assert.equal(isE164("+0123456789"), false);
});

Deno.test("typed numbers are normalised to E.164", () => {
  assert.equal(normalizePhoneNumber("+44 20 7946 0958"), "+442079460958");
  assert.equal(normalizePhoneNumber("0044 (20) 7946-0958"), "+442079460958");
  assert.equal(normalizePhoneNumber("12025550123"), "+12025550123");
  assert.equal(normalizePhoneNumber("+44 20 79x6"), null);
  assert.equal(normalizePhoneNumber("1234567"), null, "7 digits are never a phone number");
});

Deno.test("the dial field tells CareFlow IDs, phone numbers and neither apart", () => {
  assert.deepEqual(classifyDialTarget("care4w-1000001"), {
    kind: "care4w",
    care4wId: "care4w-1000001",
  });
  assert.deepEqual(classifyDialTarget("1000001"), { kind: "care4w", care4wId: "care4w-1000001" });
  assert.deepEqual(classifyDialTarget("+1 202 555 0123"), { kind: "phone", e164: "+12025550123" });
  assert.deepEqual(classifyDialTarget("  "), { kind: "empty" });
  assert.deepEqual(classifyDialTarget("hello"), { kind: "invalid" });
  assert.deepEqual(classifyDialTarget("12345"), { kind: "invalid" });
});

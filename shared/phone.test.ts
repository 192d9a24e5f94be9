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

Deno.test("country codes of one, two and three digits; destinations by prefix", async () => {
  const { countryCodeOf, isAllowedDestination } = await import("./phone.ts");
  assert.equal(countryCodeOf("+447700900123"), "+44");
  assert.equal(countryCodeOf("+15550100000"), "+1");
  assert.equal(countryCodeOf("+74951234567"), "+7");
  assert.equal(countryCodeOf("+353861234567"), "+353");
  assert.equal(countryCodeOf("+2348012345678"), "+234");
  assert.equal(countryCodeOf("+27821234567"), "+27");
  assert.ok(isAllowedDestination("+447700900123", ["+44"]));
  assert.ok(!isAllowedDestination("+882123456789", ["+44", "+353"]));
  assert.ok(!isAllowedDestination("+447700900123", []));
});

import assert from "node:assert/strict";
import {
  care4wIdFromSequence,
  FIRST_SEQUENCE,
  isCare4wId,
  normalizeCare4wId,
  sequenceFromCare4wId,
} from "./care4w-id.ts";

Deno.test("the first CareFlow ID is care4w-1000001", () => {
  assert.equal(care4wIdFromSequence(FIRST_SEQUENCE), "care4w-1000001");
  assert.equal(care4wIdFromSequence(FIRST_SEQUENCE + 1), "care4w-1000002");
});

Deno.test("sequences outside the 7-digit range are refused", () => {
  assert.throws(() => care4wIdFromSequence(1_000_000), RangeError);
  assert.throws(() => care4wIdFromSequence(10_000_000), RangeError);
  assert.throws(() => care4wIdFromSequence(1_000_001.5), RangeError);
});

Deno.test("only the exact format is a CareFlow ID", () => {
  assert.ok(isCare4wId("care4w-1234567"));
  for (
    const bad of [
      "care4w-123456",
      "care4w-12345678",
      "CARE4W-1234567",
      " care4w-1234567",
      "care4w1234567",
      "care4w-12a4567",
    ]
  ) {
    assert.equal(isCare4wId(bad), false, bad);
  }
});

Deno.test("typed IDs are normalised, including the 7-digit short form", () => {
  assert.equal(normalizeCare4wId(" CARE4W-1000001 "), "care4w-1000001");
  assert.equal(normalizeCare4wId("1000002"), "care4w-1000002");
  assert.equal(normalizeCare4wId("10000021"), null);
  assert.equal(sequenceFromCare4wId("care4w-1000009"), 1_000_009);
  assert.equal(sequenceFromCare4wId("care4w-x"), null);
});

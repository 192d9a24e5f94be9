import assert from "node:assert/strict";
import { estimateMos, qualityGrade } from "./quality.ts";

Deno.test("a clean network scores like a good phone line; delay and loss lower the score", () => {
  const clean = estimateMos({ rttMs: 20, jitterMs: 2, lossPercent: 0 });
  assert.ok(clean >= 4.3 && clean <= 4.5, `clean ${clean}`);
  assert.equal(qualityGrade({ mos: clean }), "good");
  const lossy = estimateMos({ rttMs: 20, jitterMs: 2, lossPercent: 5 });
  const laggy = estimateMos({ rttMs: 600, jitterMs: 40, lossPercent: 0 });
  assert.ok(lossy < clean && laggy < clean);
  assert.equal(
    qualityGrade({ mos: estimateMos({ rttMs: 400, jitterMs: 60, lossPercent: 8 }) }),
    "poor",
  );
  assert.equal(qualityGrade({ mos: 3.8 }), "fair");
});

Deno.test("nonsense measurements stay inside 1-5", () => {
  assert.equal(estimateMos({ rttMs: Number.NaN, jitterMs: -5, lossPercent: 400 }), 1);
  assert.ok(estimateMos({ rttMs: -100, jitterMs: 0, lossPercent: -1 }) <= 5);
});

import assert from "node:assert/strict";
import { gradeQuality } from "./quality.ts";

Deno.test("call quality is graded good, fair or poor from RTT, jitter and loss (E-model)", () => {
  assert.equal(gradeQuality({ roundTripTime: 0.05, jitter: 0.005, lossRatio: 0 }), "good");
  assert.equal(gradeQuality({ roundTripTime: 0.5, jitter: 0.02, lossRatio: 0 }), "fair");
  assert.equal(gradeQuality({ roundTripTime: 0.05, jitter: 0.005, lossRatio: 0.05 }), "fair");
  assert.equal(gradeQuality({ roundTripTime: 0.6, jitter: 0.005, lossRatio: 0 }), "poor");
  assert.equal(gradeQuality({ roundTripTime: null, jitter: null, lossRatio: 0.1 }), "poor");
  assert.equal(gradeQuality({ roundTripTime: null, jitter: null, lossRatio: null }), null);
});

/** Pure parts: backoff delays with full jitter, and splitting batches under web's body limit. */
import { expect, test } from "bun:test";
import { backoffDelay } from "./backoff.ts";
import { chunkByBytes } from "./batch.ts";

test("backoff doubles its ceiling per attempt up to the cap, anywhere from 0 below it", () => {
  const policy = { baseMs: 100, maxMs: 2000 };
  const top = (attempt: number) => backoffDelay(attempt, policy, () => 0.999999);
  expect([1, 2, 3, 4, 5, 6, 50, 10_000].map(top)).toEqual([
    99,
    199,
    399,
    799,
    1599,
    1999,
    1999,
    1999,
  ]);
  expect(backoffDelay(7, policy, () => 0)).toBe(0);
  // Full jitter: spread over the whole range, not clustered at the ceiling.
  const samples = Array.from({ length: 2000 }, () => backoffDelay(10, policy));
  expect(Math.min(...samples)).toBeLessThan(200);
  expect(Math.max(...samples)).toBeGreaterThan(1800);
  expect(samples.every((d) => d >= 0 && d < 2000)).toBe(true);
});

test("batches are split to stay under the body limit, never into empty runs", () => {
  const entry = (n: number, size: number) => ({
    entryId: `${n}-0`,
    eventId: `e${n}`,
    json: "x".repeat(size),
  });
  const entries = [entry(1, 40), entry(2, 40), entry(3, 40), entry(4, 200), entry(5, 10)];
  const chunks = chunkByBytes(entries, 100);
  expect(chunks.map((c) => c.map((e) => e.eventId))).toEqual([["e1", "e2"], ["e3"], ["e4"], [
    "e5",
  ]]);
  // Multi-byte text counts in bytes, as the body limit does.
  expect(
    chunkByBytes([entry(1, 0), entry(2, 0)].map((e) => ({ ...e, json: "é".repeat(30) })), 100)
      .length,
  ).toBe(2);
});

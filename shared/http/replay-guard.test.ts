import assert from "node:assert/strict";
import { createMemoryReplayGuard } from "./replay-guard.ts";

Deno.test("a nonce is accepted once while it is remembered, and again after it expires", async () => {
  let now = 1_000_000;
  const guard = createMemoryReplayGuard(() => now);
  assert.equal(await guard.remember("n-1", 600), true);
  assert.equal(await guard.remember("n-1", 600), false, "a replay inside the window");
  assert.equal(await guard.remember("n-2", 600), true);
  now += 600_000;
  assert.equal(await guard.remember("n-1", 600), true, "forgotten once its time has passed");
  assert.equal(guard.size(), 1, "expired entries are pruned");
});

Deno.test("a full guard refuses new nonces rather than forgetting live ones", async () => {
  const guard = createMemoryReplayGuard(() => 0, 2);
  assert.equal(await guard.remember("a", 600), true);
  assert.equal(await guard.remember("b", 600), true);
  assert.equal(await guard.remember("c", 600), false);
  assert.equal(await guard.remember("a", 600), false);
});

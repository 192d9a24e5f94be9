import assert from "node:assert/strict";
import { openSqliteStore } from "../store/sqlite/mod.ts";
import { createLoginThrottle, deviceKey, type ThrottleLimits } from "./login-throttle.ts";

const LIMITS: ThrottleLimits = {
  maxFailures: 3,
  windowMinutes: 15,
  backoffSeconds: 10,
  maxBackoffSeconds: 60,
};

/** A throttle over a real (in-memory SQLite) store and a clock the test moves. */
function throttleAt(start: string, limits = LIMITS) {
  const clock = { now: new Date(start) };
  const store = openSqliteStore(":memory:");
  const throttle = createLoginThrottle(store, limits, () => clock.now);
  const later = (seconds: number) => {
    clock.now = new Date(clock.now.getTime() + seconds * 1000);
  };
  return { throttle, store, later };
}

Deno.test("after the free failures each attempt waits twice as long as the last, up to the cap", async () => {
  const { throttle, store, later } = throttleAt("2026-01-01T10:00:00Z");
  try {
    for (let i = 0; i < 3; i++) assert.equal(await throttle.reserve("ann@x.test"), 0, `free ${i}`);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const wait = await throttle.reserve("ann@x.test");
      waits.push(wait);
      later(wait - 1);
      assert.ok(await throttle.reserve("ann@x.test") > 0, "a second early is still early");
      later(1);
      assert.equal(await throttle.reserve("ann@x.test"), 0, "on time it may try (and fail)");
    }
    assert.deepEqual(waits, [10, 20, 40, 60, 60]);
  } finally {
    await store.close();
  }
});

Deno.test("the wait never outlasts the window: once the failures age out, attempts are free", async () => {
  const limits = { ...LIMITS, windowMinutes: 1, backoffSeconds: 50, maxBackoffSeconds: 600 };
  const { throttle, store, later } = throttleAt("2026-01-01T10:00:00Z", limits);
  try {
    for (let i = 0; i < 3; i++) await throttle.reserve("ann@x.test");
    assert.equal(await throttle.reserve("ann@x.test"), 50);
    later(50);
    assert.equal(await throttle.reserve("ann@x.test"), 0);
    assert.equal(await throttle.reserve("ann@x.test"), 60, "100 s asked, the window is 60 s");
    later(60);
    assert.equal(await throttle.reserve("ann@x.test"), 0);
  } finally {
    await store.close();
  }
});

Deno.test("concurrent reservations: only the free failures pass at once, whatever arrives", async () => {
  const { throttle, store } = throttleAt("2026-01-01T10:00:00Z");
  try {
    const waits = await Promise.all(
      Array.from({ length: 50 }, (_, n) => throttle.reserve(n % 2 ? "Ann@x.test" : "ann@x.test")),
    );
    assert.equal(waits.filter((w) => w === 0).length, 3);
    assert.ok(waits.filter((w) => w > 0).every((w) => w === 10), "each waits the first backoff");
  } finally {
    await store.close();
  }
});

Deno.test("success clears the key's failures; keys (accounts, devices) are apart", async () => {
  const { throttle, store } = throttleAt("2026-01-01T10:00:00Z");
  try {
    for (let i = 0; i < 3; i++) await throttle.reserve("ann@x.test");
    assert.ok(await throttle.reserve("ann@x.test") > 0);
    assert.equal(await throttle.reserve(deviceKey("0123")), 0, "the device is not the account");
    assert.equal(await throttle.reserve("bob@x.test"), 0);
    await throttle.succeeded("ANN@x.test");
    assert.equal(await throttle.reserve("ann@x.test"), 0);
  } finally {
    await store.close();
  }
});

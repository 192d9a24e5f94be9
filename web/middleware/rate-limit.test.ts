/**
 * Directory and sign-up limits (issue 13, item 10) on the real HTTP server: lookups per user a
 * minute, sign-ups per client address an hour (a forwarded address counts only from a proxy the
 * operator trusts), each answered 429 with Retry-After once used up.
 */
import assert from "node:assert/strict";
import { startServer } from "../testing/server.ts";

const signup = (base: string, n: number, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({
      email: `user${n}@example.org`,
      password: "correct horse battery",
      displayName: `User ${n}`,
    }),
  });

Deno.test("lookups per user and sign-ups per address are limited, with Retry-After", async () => {
  const server = await startServer({ LOOKUPS_PER_MINUTE: "5", SIGNUPS_PER_HOUR: "3" });
  try {
    const base = server.url;
    const statuses: number[] = [];
    let cookie = "";
    for (let n = 0; n < 4; n++) {
      // A forged X-Forwarded-For changes nothing: 127.0.0.1 is no trusted proxy here.
      const response = await signup(base, n, { "x-forwarded-for": `10.0.0.${n}` });
      statuses.push(response.status);
      cookie ||= response.headers.get("set-cookie")?.split(";")[0] ?? "";
      if (response.status === 429) assert.equal(response.headers.get("retry-after"), "3600");
      await response.body?.cancel();
    }
    assert.deepEqual(statuses, [201, 201, 201, 429]);

    const lookups: number[] = [];
    for (let n = 0; n < 7; n++) {
      const response = await fetch(`${base}/api/users/lookup?care4wId=care4w-1000002`, {
        headers: { cookie },
      });
      lookups.push(response.status);
      await response.body?.cancel();
    }
    assert.deepEqual(lookups, [200, 200, 200, 200, 200, 429, 429]);
  } finally {
    await server.close();
  }
});

Deno.test("behind a trusted proxy, sign-ups are counted per forwarded client", async () => {
  const server = await startServer({ SIGNUPS_PER_HOUR: "1", TRUSTED_PROXIES: "127.0.0.1" });
  try {
    const first = await signup(server.url, 1, { "x-forwarded-for": "203.0.113.7" });
    const second = await signup(server.url, 2, { "x-forwarded-for": "203.0.113.8" });
    const again = await signup(server.url, 3, { "x-forwarded-for": "198.51.100.1, 203.0.113.7" });
    assert.deepEqual([first.status, second.status, again.status], [201, 201, 429]);
    for (const r of [first, second, again]) await r.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("the window counter slides: the previous minute weighs as much as it still overlaps", async () => {
  const { createWindowCounter } = await import("./rate-limit.ts");
  const counter = createWindowCounter(10, 60_000);
  const admitted = (at: number, times: number) =>
    Array.from({ length: times }, () => counter.admit("u", at)).filter(Boolean).length;
  assert.equal(admitted(0, 15), 10, "a full minute at the start");
  // Half-way through the next minute, the last one still counts half: 5 of 10 remain.
  assert.equal(admitted(90_000, 10), 5);
  // Two minutes on, nothing of it is left.
  assert.equal(admitted(240_000, 12), 10);
  assert.equal(counter.admit("other", 240_000), true, "keys are apart");
});

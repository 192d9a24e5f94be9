/**
 * Input an outside probe sent (issue 13, item 11), refused with 400 or 413 and changing nothing:
 * names that would display as another (bidi overrides) or are broken (lone surrogates),
 * impossible dates that the calendar would otherwise roll over, and big bodies on page routes.
 */
import assert from "node:assert/strict";
import { createTestApp, jsonPost } from "../testing/app.ts";

Deno.test("a display name with direction overrides or a lone surrogate is refused", async () => {
  const t = createTestApp();
  try {
    const names = ["Ann\u202Egnp.exe", "\u2066Bob\u2069", "Eve\uD800", "\uDC00Mallory"];
    for (const [n, displayName] of names.entries()) {
      const response = await t.app.request(
        "/api/auth/signup",
        jsonPost({ email: `user${n}@example.org`, password: "correct horse battery", displayName }),
      );
      assert.equal(response.status, 400, JSON.stringify(displayName));
      assert.equal(response.headers.get("content-type"), "application/problem+json");
    }
    // Accents, scripts that run right to left and emoji are names like any other.
    for (const [n, displayName] of ["Zoë Ångström", "محمد", "Ana 🌻"].entries()) {
      const ok = await t.app.request(
        "/api/auth/signup",
        jsonPost({ email: `fine${n}@example.org`, password: "correct horse battery", displayName }),
      );
      assert.equal(ok.status, 201, displayName);
    }
  } finally {
    await t.close();
  }
});

Deno.test("impossible dates and times are 400, not rolled into the next month", async () => {
  const t = createTestApp();
  try {
    const cookie = await t.signup("ann@example.org", "Ann Carer");
    const status = async (query: string) =>
      (await t.app.request(`/api/calls/history?${query}`, { headers: { cookie } })).status;
    for (
      const bad of ["from=2026-02-30", "to=2026-13-01", "from=2025-02-29", "from=2026-01-01T24:00"]
    ) {
      assert.equal(await status(bad), 400, bad);
      assert.equal(await status(bad.replace("/api/calls/history", "")), 400);
    }
    assert.equal(await status("from=2024-02-29"), 200, "a leap day");
    assert.equal(await status("from=2026-02-28T23:59:59Z"), 200);
    const recordings = await t.app.request("/api/recordings?from=2026-02-30", {
      headers: { cookie },
    });
    assert.equal(recordings.status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("a page route refuses a body over the limit with 413", async () => {
  const t = createTestApp();
  try {
    const big = "x".repeat(65 * 1024);
    for (const path of ["/", "/login", "/dashboard"]) {
      const response = await t.app.request(path, {
        method: "POST",
        body: big,
        headers: { "content-type": "text/plain", "content-length": String(big.length) },
      });
      assert.equal(response.status, 413, path);
    }
  } finally {
    await t.close();
  }
});

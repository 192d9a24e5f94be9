/**
 * What an outside probe sent, answered as hardened (issue 13): a signed-in change without a
 * same-origin proof, a Host that makes no URL (on the real HTTP server), and HSTS over https.
 */
import assert from "node:assert/strict";
import { createTestApp } from "../testing/app.ts";
import { startServer } from "../testing/server.ts";

Deno.test("a cookie replayed without Origin or Sec-Fetch-Site changes nothing (403)", async () => {
  const t = createTestApp();
  try {
    const cookie = await t.signup("ann@example.org", "Ann Carer");
    const patch = (headers: Record<string, string>) =>
      t.raw.request("/api/me/settings", {
        method: "PATCH",
        body: JSON.stringify({ recordCalls: true }),
        headers: { cookie, "content-type": "application/json", ...headers },
      });
    const script = await patch({});
    assert.equal(script.status, 403);
    assert.equal(script.headers.get("content-type"), "application/problem+json");
    const logout = await t.raw.request("/api/auth/logout", { method: "POST", headers: { cookie } });
    assert.equal(logout.status, 403);
    const me = await t.raw.request("/api/me", { headers: { cookie } });
    assert.equal(me.status, 200, "the session was not ended");
    const settings = await (await t.raw.request("/api/me/settings", { headers: { cookie } }))
      .json();
    assert.equal(settings.settings.recordCalls, false, "nothing changed");
    // What browsers send on our own pages passes: Origin, or Sec-Fetch-Site alone.
    assert.equal((await patch({ origin: "http://localhost" })).status, 200);
    assert.equal((await patch({ "sec-fetch-site": "same-origin" })).status, 200);
    assert.equal((await patch({ "sec-fetch-site": "same-site" })).status, 403);
    assert.equal((await patch({ origin: "https://evil.example" })).status, 403);
  } finally {
    await t.close();
  }
});

Deno.test("a malformed Host is 400 on the real server, not 500", async () => {
  const server = await startServer();
  try {
    const port = Number(new URL(server.url).port);
    for (const host of ["[::1", "a b", "127.0.0.1:99999"]) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const request = `POST /api/auth/login HTTP/1.1\r\nHost: ${host}\r\n` +
        "content-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}";
      await conn.write(new TextEncoder().encode(request));
      const answer = new Uint8Array(4096);
      const n = await conn.read(answer);
      conn.close();
      const status = new TextDecoder().decode(answer.subarray(0, n ?? 0)).split("\r\n")[0];
      assert.equal(status, "HTTP/1.1 400 Bad Request", host);
    }
  } finally {
    await server.close();
  }
});

Deno.test("HSTS is sent when the public URL is https, and only then", async () => {
  for (
    const [env, expected] of [
      [{ PUBLIC_URL: "https://care.example.org" }, "max-age=31536000; includeSubDomains"],
      [{ PUBLIC_URL: "http://localhost:8000" }, null],
      [{}, null],
    ] as const
  ) {
    const t = createTestApp(env);
    try {
      const response = await t.app.request("/login");
      await response.body?.cancel();
      assert.equal(response.headers.get("strict-transport-security"), expected);
    } finally {
      await t.close();
    }
  }
});

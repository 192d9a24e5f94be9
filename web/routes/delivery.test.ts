/**
 * How pages reach a slow phone (issue 14, "pages that work before and without JavaScript"):
 * HTML, scripts, styles and the API's lists are gzipped when the browser accepts it, a small
 * API answer is not, hashed build files are cached for good, and an island page preloads every
 * chunk it will import so they load at once, not one after another.
 */
import assert from "node:assert/strict";
import { readManifest } from "../build/manifest.ts";
import { createTestApp } from "../testing/app.ts";
import { startServer } from "../testing/server.ts";

const gzip = { "accept-encoding": "gzip, deflate, br" };

Deno.test("pages and the API's lists are gzipped; a small answer is not", async () => {
  const t = createTestApp();
  try {
    const page = await t.app.request("/signup", { headers: gzip });
    assert.equal(page.headers.get("content-encoding"), "gzip");
    assert.match(page.headers.get("vary") ?? "", /accept-encoding/i);
    const html = new TextDecoder().decode(
      await new Response(page.body!.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer(),
    );
    assert.match(html, /<!doctype html>/);
    const plain = await t.app.request("/signup");
    assert.equal(plain.headers.get("content-encoding"), null, "only when the browser asks");
    await plain.body?.cancel();
    const me = await t.app.request("/api/me", { headers: gzip });
    assert.equal(me.headers.get("content-encoding"), null, "a small API answer goes as it is");
    await me.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("an island page preloads its chunks and what they import, with the nonce", async () => {
  const t = createTestApp();
  try {
    const response = await t.app.request("/login");
    const html = await response.text();
    const nonce = response.headers.get("content-security-policy")!.match(/'nonce-([^']+)'/)![1];
    const preloads = [
      ...html.matchAll(/<link rel="modulepreload" href="([^"]+)" nonce="([^"]+)">/g),
    ];
    assert.deepEqual(preloads.map((m) => m[1]).sort(), [
      "/static/build/boot-TEST.js",
      "/static/build/chunk-PREACT.js",
      "/static/build/island-AuthForm-TEST.js",
    ]);
    assert.ok(preloads.every((m) => m[2] === nonce));
    assert.ok(html.indexOf("modulepreload") < html.indexOf("</head>"), "in the head");
    const landing = await (await t.app.request("/")).text();
    assert.doesNotMatch(landing, /modulepreload/, "a page without islands preloads nothing");
  } finally {
    await t.close();
  }
});

Deno.test("the real build's scripts are gzipped and cached for good, its manifest lists imports", async () => {
  const manifest = readManifest();
  const dialer = manifest.islands.Dialer;
  assert.ok(manifest.imports?.[dialer]?.length, "the dialer's static imports are in the manifest");
  const server = await startServer();
  try {
    const script = await fetch(server.url + dialer, { headers: gzip });
    await script.arrayBuffer();
    assert.equal(script.status, 200);
    assert.match(script.headers.get("cache-control") ?? "", /immutable/);
    // Deno's fetch undoes the compression but keeps the header that says how it was sent: the
    // build's brotli copy to a browser that takes it, its gzip copy to one that takes only that.
    assert.equal(script.headers.get("content-encoding"), "br");
    const gzipOnly = await fetch(server.url + dialer, { headers: { "accept-encoding": "gzip" } });
    await gzipOnly.arrayBuffer();
    assert.equal(gzipOnly.headers.get("content-encoding"), "gzip");
    // A script carries nosniff, not the page's headers (bytes a slow link pays for each chunk).
    assert.equal(script.headers.get("x-content-type-options"), "nosniff");
    assert.equal(script.headers.get("content-security-policy"), null);
    for (const path of ["/static/favicon.svg", "/static/build/no-such-chunk.js", "/login"]) {
      const document = await fetch(server.url + path);
      await document.arrayBuffer();
      assert.match(document.headers.get("content-security-policy") ?? "", /default-src/, path);
    }
  } finally {
    await server.close();
  }
});

/**
 * `serveWeb` as browsers and agents reach it over real HTTP: bodies sent without a length
 * (streamed, chunked) pass through the body limit to their route, or get its 413.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { limitBody } from "../../shared/http/body-limit.ts";
import { serveWeb } from "./serve.ts";

const streamOf = (bytes: Uint8Array) =>
  new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });

Deno.test("a streamed body under the limit reaches its route; over it, 413", async () => {
  const app = new Hono().use("*", limitBody(1024))
    .post("/echo", async (c) => c.json(await c.req.json()));
  const server = await serveWeb(app, { hostname: "127.0.0.1", port: 0 });
  try {
    const post = (body: Uint8Array) =>
      fetch(`http://127.0.0.1:${server.port}/echo`, {
        method: "POST",
        body: streamOf(body),
        duplex: "half",
      } as RequestInit);
    const small = await post(new TextEncoder().encode('{"a":1}'));
    assert.equal(small.status, 200);
    assert.deepEqual(await small.json(), { a: 1 });
    const big = await post(new Uint8Array(5000));
    assert.equal(big.status, 413);
    await big.body?.cancel();
  } finally {
    await server.shutdown();
  }
});

Deno.test("a POST with neither length nor chunking has no body; a long length is refused", async () => {
  const app = new Hono().use("*", limitBody(1024))
    .post("/size", async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
  const server = await serveWeb(app, { hostname: "127.0.0.1", port: 0 });
  try {
    const raw = async (head: string, body = "") => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
      await conn.write(new TextEncoder().encode(`${head}\r\n\r\n${body}`));
      const buffer = new Uint8Array(4096);
      const n = await conn.read(buffer);
      conn.close();
      return new TextDecoder().decode(buffer.subarray(0, n ?? 0));
    };
    const host = `Host: 127.0.0.1:${server.port}\r\nConnection: close`;
    assert.match(await raw(`POST /size HTTP/1.1\r\n${host}`), /"bytes":0/);
    assert.match(await raw(`POST /size HTTP/1.1\r\n${host}\r\nContent-Length: 5000`), / 413 /);
  } finally {
    await server.shutdown();
  }
});

Deno.test("a plain request asking for another protocol (h2c, as curl --http2 does) is answered", async () => {
  const app = new Hono().get("/", (c) => c.text("the page"));
  const server = await serveWeb(app, { hostname: "127.0.0.1", port: 0 });
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    await conn.write(new TextEncoder().encode(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade, HTTP2-Settings\r\n` +
        `Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`,
    ));
    let reply = "";
    const buffer = new Uint8Array(4096);
    for (let n; (n = await conn.read(buffer)) !== null;) {
      reply += new TextDecoder().decode(buffer.subarray(0, n));
    }
    conn.close();
    assert.match(reply, /^HTTP\/1\.1 200 /);
    assert.match(reply, /the page$/);
  } finally {
    await server.shutdown();
  }
});

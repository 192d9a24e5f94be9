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

/**
 * However an accepted upgrade ends, the route hears `onClose` exactly once (its socket slots
 * depend on it), and an upgrade the app did not accept gets the app's answer without the server
 * holding it in memory. Real node:http server, raw TCP clients.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { Hono } from "hono";
import { serveWeb } from "./serve.ts";
import { upgradeWebSocket } from "./websocket.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `/ws` accepts after `delayMs` (a slow session read); `?undo=1` fails after the route. */
function slowApp(closes: number[], delayMs: number) {
  const app = new Hono();
  app.use("*", async (c, next) => {
    await next();
    if (c.req.query("undo")) c.res = new Response("broken", { status: 500 });
  });
  app.get(
    "/ws",
    async (_c, next) => {
      await sleep(delayMs);
      await next();
    },
    upgradeWebSocket(() => ({ onClose: (event) => void closes.push(event.code) }), {
      maxPayload: 1024,
      idleTimeout: 30,
    }),
  );
  let pulled = 0;
  app.get("/big", () =>
    new Response(
      new ReadableStream({
        pull(controller) {
          if (++pulled > 800) return controller.close();
          controller.enqueue(new Uint8Array(64 * 1024));
        },
      }),
    ));
  return { app, pulled: () => pulled };
}

const upgradeRequest = (port: number, path: string, method = "GET") =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
  `Connection: Upgrade\r\nSec-WebSocket-Key: ${btoa("0123456789abcdef")}\r\n` +
  `Sec-WebSocket-Version: 13\r\n\r\n`;

async function send(port: number, path: string, method = "GET") {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(upgradeRequest(port, path, method)));
  return conn;
}

async function readAll(conn: Deno.Conn): Promise<string> {
  let text = "";
  const buffer = new Uint8Array(65536);
  for (let n; (n = await conn.read(buffer).catch(() => null)) !== null;) {
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
  return text;
}

Deno.test("a client gone while the app answered: the route still hears onClose once", async () => {
  const closes: number[] = [];
  const { app } = slowApp(closes, 100);
  const server = await serveWeb(app, { hostname: "127.0.0.1", port: 0 });
  try {
    for (let i = 0; i < 3; i++) {
      // A reset (RST), not a polite close: the server's socket is destroyed at once.
      const client = connect(server.port, "127.0.0.1");
      await new Promise((resolve) => client.once("connect", resolve));
      client.write(upgradeRequest(server.port, "/ws"));
      await sleep(20);
      client.resetAndDestroy();
    }
    await sleep(400);
    assert.deepEqual(closes, [1006, 1006, 1006]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("accepted, then undone by a later middleware: onClose once, and the app's answer", async () => {
  const closes: number[] = [];
  const { app } = slowApp(closes, 0);
  const server = await serveWeb(app, { hostname: "127.0.0.1", port: 0 });
  try {
    const conn = await send(server.port, "/ws?undo=1");
    const reply = await readAll(conn);
    conn.close();
    assert.match(reply, /^HTTP\/1\.1 500 /);
    assert.match(reply, /broken$/);
    assert.deepEqual(closes, [1006]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("a refused upgrade's big answer streams as taken and stops when the client goes", async () => {
  const { app, pulled } = slowApp([], 0);
  const server = await serveWeb(app, { hostname: "127.0.0.1", port: 0 });
  try {
    const head = await send(server.port, "/big", "HEAD");
    assert.doesNotMatch(await readAll(head), /\r\n\r\n./s, "a HEAD answer has no body");
    head.close();
    const before = pulled();
    const conn = await send(server.port, "/big");
    await conn.read(new Uint8Array(1024));
    conn.close();
    await sleep(300);
    // 800 chunks of 64 KB (50 MB) were there to read; the socket's buffers hold a few.
    assert.ok(pulled() - before < 100, `${pulled() - before} chunks read for a client gone`);
  } finally {
    await server.shutdown();
  }
});

Deno.test("Upgrade: websocket without Connection: Upgrade opens a socket or accepts nothing", async () => {
  const closes: number[] = [];
  const { app } = slowApp(closes, 0);
  const server = await serveWeb(app, { hostname: "127.0.0.1", port: 0 });
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    const request = upgradeRequest(server.port, "/ws").replace("Connection: Upgrade\r\n", "");
    await conn.write(new TextEncoder().encode(request));
    const buffer = new Uint8Array(1024);
    const reply = new TextDecoder().decode(buffer.subarray(0, (await conn.read(buffer)) ?? 0));
    conn.close();
    await sleep(300);
    // Either a socket (which ends in onClose) or a refusal that held nothing: never an
    // acceptance with no socket behind it (a 200), which would keep its slots for ever.
    const status = Number(reply.split(" ")[1]);
    assert.ok([101, 426].includes(status), reply.split("\r\n")[0]);
    assert.equal(closes.length, status === 101 ? 1 : 0);
  } finally {
    await server.shutdown();
  }
});

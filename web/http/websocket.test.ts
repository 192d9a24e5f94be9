/**
 * The WebSocket side of `serveWeb` on a real loopback server, spoken to over raw TCP where the
 * header is the point: a frame announcing more than the limit is refused at its header (1009),
 * before its payload is read (issue 13: Deno's own upgrade took 48 MB frames whole); a refused
 * upgrade gets the route's own answer; echo and close work as a browser expects.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { serveWeb } from "./serve.ts";
import { upgradeWebSocket } from "./websocket.ts";

function echoApp(closes: number[]) {
  return new Hono().get(
    "/ws",
    (c, next) => c.req.query("ok") ? next() : c.json({ title: "Sign in first." }, 401),
    upgradeWebSocket(() => ({
      onMessage: (event, socket) => socket.send(`echo ${event.data}`),
      onClose: (event) => void closes.push(event.code),
    }), { maxPayload: 64 * 1024, idleTimeout: 30 }),
  );
}

/** Opens a raw connection and completes the handshake; returns the connection and the reply. */
async function handshake(port: number, path: string) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${btoa("0123456789abcdef")}\r\n` +
      `Sec-WebSocket-Version: 13\r\n\r\n`,
  ));
  const buffer = new Uint8Array(4096);
  const n = await conn.read(buffer);
  return { conn, reply: new TextDecoder().decode(buffer.subarray(0, n ?? 0)) };
}

/** A masked text frame header announcing `length` bytes (64-bit length form). */
function frameHeader(length: number): Uint8Array {
  const header = new Uint8Array(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  new DataView(header.buffer).setBigUint64(2, BigInt(length));
  header.set([1, 2, 3, 4], 10);
  return header;
}

Deno.test("a frame announcing 48 MB is refused at its header (1009), none of it read", async () => {
  const closes: number[] = [];
  const server = await serveWeb(echoApp(closes), { hostname: "127.0.0.1", port: 0 });
  try {
    const { conn, reply } = await handshake(server.port, "/ws?ok=1");
    assert.match(reply, /^HTTP\/1\.1 101/);
    await conn.write(frameHeader(48 * 1024 * 1024));
    // Nothing of the payload is sent: a server that buffers frames whole would wait for it.
    const buffer = new Uint8Array(64);
    const n = await Promise.race([
      conn.read(buffer),
      new Promise<"waiting">((r) => setTimeout(() => r("waiting"), 2000)),
    ]);
    assert.notEqual(n, "waiting", "the server waited for the payload");
    assert.equal(buffer[0], 0x88, "a close frame");
    assert.equal((buffer[2] << 8) | buffer[3], 1009);
    conn.close();
  } finally {
    await server.shutdown();
  }
});

/** `testing/echo-server.ts` in a process of its own, on node:http or on `Deno.serve`. */
async function startEchoServer(on: "node" | "deno") {
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./testing/echo-server.ts", import.meta.url).pathname, on],
    stdout: "piped",
  }).spawn();
  const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const port = Number((await reader.read()).value);
  await reader.cancel(); // it prints nothing more
  const stop = async () => {
    server.kill();
    await server.status;
  };
  return { port, pid: server.pid, stop };
}

/** The peak memory (VmHWM) of process `pid`, in MB. */
const peakMb = async (pid: number) =>
  Number((await Deno.readTextFile(`/proc/${pid}/status`)).match(/VmHWM:\s+(\d+)/)![1]) / 1024;

Deno.test("ten sockets streaming 48 MB frames leave the server's memory alone", async () => {
  // The server in its own process: its peak memory is then its own.
  const { port, pid, stop } = await startEchoServer("node");
  try {
    const before = await peakMb(pid);
    const chunk = new Uint8Array(1024 * 1024);
    const sent = await Promise.all(Array.from({ length: 10 }, async () => {
      const { conn } = await handshake(port, "/ws");
      let megabytes = 0;
      try {
        await conn.write(frameHeader(48 * 1024 * 1024));
        for (; megabytes < 48; megabytes++) await conn.write(chunk);
      } catch { /* the server hung up, as it should */ }
      conn.close();
      return megabytes;
    }));
    const grown = (await peakMb(pid)) - before;
    assert.ok(grown < 50, `the server's peak memory grew by ${grown.toFixed(0)} MB`);
    assert.ok(Math.max(...sent) < 48, `a client sent its whole frame (${sent} MB)`);
  } finally {
    await stop();
  }
});

Deno.test("a refused upgrade gets the route's own answer; an accepted one echoes", async () => {
  const closes: number[] = [];
  const server = await serveWeb(echoApp(closes), { hostname: "127.0.0.1", port: 0 });
  try {
    const refused = await handshake(server.port, "/ws");
    assert.match(refused.reply, /^HTTP\/1\.1 401/);
    assert.match(refused.reply, /Sign in first\./);
    refused.conn.close();

    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?ok=1`);
    const echoed = new Promise<string>((resolve) => (socket.onmessage = (e) => resolve(e.data)));
    await new Promise((resolve) => (socket.onopen = resolve));
    socket.send("hello");
    assert.equal(await echoed, "echo hello");
    socket.close(1000);
    for (let i = 0; i < 50 && closes.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(closes, [1000]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("shutting down closes open sockets with 1001 (going away)", async () => {
  const server = await serveWeb(echoApp([]), { hostname: "127.0.0.1", port: 0 });
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?ok=1`);
  const closed = new Promise<number>((resolve) => (socket.onclose = (e) => resolve(e.code)));
  await new Promise((resolve) => (socket.onopen = resolve));
  await server.shutdown();
  assert.equal(await closed, 1001);
});

Deno.test("served by Deno.serve (an edge host), the same route upgrades with Deno's own", async () => {
  // In a process of its own: one that serves on node:http has replaced the global Response.
  const { port, stop } = await startEchoServer("deno");
  try {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const echoed = new Promise<string>((resolve) => (socket.onmessage = (e) => resolve(e.data)));
    await new Promise((resolve) => (socket.onopen = resolve));
    socket.send("hello");
    assert.equal(await echoed, "echo hello");
    const closed = new Promise((resolve) => (socket.onclose = resolve));
    socket.close(1000);
    await closed;
  } finally {
    await stop();
  }
});

Deno.test("in memory (app.request) an upgrade cannot happen: 426", async () => {
  const response = await echoApp([]).request("/ws?ok=1", { headers: { upgrade: "websocket" } });
  assert.equal(response.status, 426);
});

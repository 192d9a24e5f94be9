/**
 * A signed-out session loses its signaling socket within a second or so (issue 13, item 3):
 * logout and an admin's deactivation close the open WebSocket (code 4401) on the real server,
 * so it can no longer place or answer calls; a session that stands keeps its socket.
 */
import assert from "node:assert/strict";
import { runAdmin } from "../../../tools/admin.ts";
import { startServer } from "../../testing/server.ts";

async function signUp(base: string, email: string, name: string) {
  const response = await fetch(`${base}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery", displayName: name }),
  });
  assert.equal(response.status, 201);
  const { user } = await response.json();
  return { cookie: response.headers.get("set-cookie")!.split(";")[0], care4wId: user.care4wId };
}

/** Opens a tab's socket; resolves with it once open, and a promise of its close code. */
async function openSocket(base: string, cookie: string) {
  const socket = new WebSocket(`${base.replace(/^http/, "ws")}/api/signal`, {
    headers: { cookie, origin: base },
  } as unknown as string[]);
  const closed = new Promise<number>((resolve) => (socket.onclose = (e) => resolve(e.code)));
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error("the socket did not open"));
  });
  return { socket, closed };
}

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<"still open">((r) => setTimeout(() => r("still open"), ms))]);

Deno.test("logout and deactivation close the user's signaling socket; others stay", async () => {
  const server = await startServer();
  try {
    const base = server.url;
    const boss = await signUp(base, "boss@example.org", "Boss");
    assert.equal(await runAdmin(["promote", "boss@example.org"], { DATA_DIR: server.dataDir }), 0);
    const ann = await signUp(base, "ann@example.org", "Ann Carer");
    const bob = await signUp(base, "bob@example.org", "Bob Nurse");
    const annTab = await openSocket(base, ann.cookie);
    const bobTab = await openSocket(base, bob.cookie);
    const bossTab = await openSocket(base, boss.cookie);

    const out = await fetch(`${base}/api/auth/logout`, {
      method: "POST",
      headers: { cookie: ann.cookie, origin: base },
    });
    assert.equal(out.status, 204);
    assert.equal(await within(annTab.closed, 2500), 4401, "Ann's socket after logout");

    const off = await fetch(`${base}/api/admin/users/${bob.care4wId}/deactivate`, {
      method: "POST",
      headers: { cookie: boss.cookie, origin: base },
    });
    assert.equal(off.status, 200, await off.text());
    assert.equal(await within(bobTab.closed, 2500), 4401, "Bob's socket after deactivation");

    assert.equal(await within(bossTab.closed, 1500), "still open", "a standing session stays");
    bossTab.socket.close();
    await bossTab.closed;
  } finally {
    await server.close();
  }
});

/** Tries to open a socket; "open" or "refused". */
async function tryOpen(
  base: string,
  cookie: string,
): Promise<{ state: string; socket?: WebSocket }> {
  try {
    const { socket } = await openSocket(base, cookie);
    return { state: "open", socket };
  } catch {
    return { state: "refused" };
  }
}

Deno.test("one account holds at most 10 sockets, even asked 30 at once; others are unaffected", async () => {
  const server = await startServer();
  const sockets: WebSocket[] = [];
  try {
    const ann = await signUp(server.url, "ann@example.org", "Ann Carer");
    const bob = await signUp(server.url, "bob@example.org", "Bob Nurse");
    const tries = await Promise.all(
      Array.from({ length: 30 }, () => tryOpen(server.url, ann.cookie)),
    );
    for (const t of tries) if (t.socket) sockets.push(t.socket);
    assert.equal(tries.filter((t) => t.state === "open").length, 10);
    const bobs = await tryOpen(server.url, bob.cookie);
    assert.equal(bobs.state, "open", "another account is not limited by Ann's");
    sockets.push(bobs.socket!);
    // A closed tab gives its place back.
    const closing = sockets.shift()!;
    const gone = new Promise((resolve) => closing.addEventListener("close", resolve));
    closing.close();
    await gone;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await tryOpen(server.url, ann.cookie);
    assert.equal(again.state, "open");
    sockets.push(again.socket!);
  } finally {
    for (const socket of sockets) socket.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.close();
  }
});

/** Opens a socket as if from `address` (through a trusted proxy's X-Forwarded-For). */
async function tryOpenFrom(base: string, cookie: string, address: string) {
  try {
    const socket = new WebSocket(`${base.replace(/^http/, "ws")}/api/signal`, {
      headers: { cookie, origin: base, "x-forwarded-for": address },
    } as unknown as string[]);
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error("refused"));
    });
    return { state: "open", socket };
  } catch {
    return { state: "refused" as const };
  }
}

Deno.test("one address holds at most SOCKETS_PER_SOURCE sockets, whoever is signed in", async () => {
  const server = await startServer({ SOCKETS_PER_SOURCE: "12", TRUSTED_PROXIES: "127.0.0.1" });
  const sockets: WebSocket[] = [];
  try {
    const ann = await signUp(server.url, "ann@example.org", "Ann Carer");
    const bob = await signUp(server.url, "bob@example.org", "Bob Nurse");
    const from = (who: { cookie: string }, address: string) =>
      tryOpenFrom(server.url, who.cookie, address).then((t) => {
        if (t.socket) sockets.push(t.socket);
        return t.state;
      });
    for (let i = 0; i < 10; i++) assert.equal(await from(ann, "198.51.100.7"), "open");
    assert.equal(await from(bob, "198.51.100.7"), "open");
    assert.equal(await from(bob, "198.51.100.7"), "open");
    assert.equal(await from(bob, "198.51.100.7"), "refused", "the address holds 12");
    assert.equal(await from(bob, "203.0.113.9"), "open", "another address is not limited");
  } finally {
    for (const socket of sockets) socket.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.close();
  }
});

Deno.test("a socket that never answers the server's ping is closed after SIGNAL_IDLE_SECONDS", async () => {
  const server = await startServer({ SIGNAL_IDLE_SECONDS: "2" });
  try {
    const ann = await signUp(server.url, "ann@example.org", "Ann Carer");
    const url = new URL(server.url);
    // A bare WebSocket handshake over TCP that then reads and never answers (no pong).
    const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    await conn.write(new TextEncoder().encode([
      `GET /api/signal HTTP/1.1`,
      `Host: ${url.host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${key}`,
      "Sec-WebSocket-Version: 13",
      `Origin: ${server.url}`,
      `Cookie: ${ann.cookie}`,
      "",
      "",
    ].join("\r\n")));
    const started = Date.now();
    const buffer = new Uint8Array(4096);
    let head = "";
    let closedAfter = -1;
    while (Date.now() - started < 10_000) {
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) {
        closedAfter = Date.now() - started;
        break;
      }
      if (!head) head = new TextDecoder().decode(buffer.subarray(0, n));
    }
    conn.close();
    assert.match(head, /^HTTP\/1\.1 101/);
    assert.ok(closedAfter > 0, "the server closed the silent socket");
    assert.ok(closedAfter < 8_000, `closed after ${closedAfter} ms`);
  } finally {
    await server.close();
  }
});

Deno.test("a frame over 64 KB closes its socket (1009); the account's other tabs stay", async () => {
  const server = await startServer();
  try {
    const ann = await signUp(server.url, "ann@example.org", "Ann Carer");
    const big = await openSocket(server.url, ann.cookie);
    const other = await openSocket(server.url, ann.cookie);
    big.socket.send(JSON.stringify({ type: "offer", sdp: "x".repeat(200_000) }));
    assert.equal(await within(big.closed, 2000), 1009);
    assert.equal(await within(other.closed, 500), "still open");
    other.socket.close();
    await other.closed;
  } finally {
    await server.close();
  }
});

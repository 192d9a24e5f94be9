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

import assert from "node:assert/strict";
import { openSqliteStore } from "../store/sqlite/mod.ts";
import type { Store } from "../store/mod.ts";
import { cachingSessionReads } from "./session-cache.ts";

const T0 = new Date("2026-12-01T09:00:00Z");
const OLD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$b2xk";
const NEW_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$bmV3";

async function fixture() {
  const store = openSqliteStore(":memory:");
  let clock = 0;
  const cached = cachingSessionReads(store, 1000, () => clock);
  const user = await store.createUser({
    email: "ann@example.test",
    displayName: "Ann",
    passwordHash: OLD_HASH,
    firebaseUid: null,
  });
  const session = (id: string) => ({
    id,
    userId: user.id,
    createdAt: T0,
    lastSeenAt: T0,
    expiresAt: new Date(T0.getTime() + 3600_000),
  });
  await store.createSession(session("s1"));
  await store.createSession(session("s2"));
  return { store, cached, user, tick: (ms: number) => (clock += ms) };
}

Deno.test("reads are served from memory for the TTL, then read again", async () => {
  const { store, cached, user, tick } = await fixture();
  assert.equal((await cached.findUserById(user.id))!.displayName, "Ann");
  // Another instance writes straight to the shared store: this one sees it after the TTL only.
  await store.updateUser(user.id, { displayName: "Ann Lee" });
  await store.deleteSession("s1");
  tick(999);
  assert.equal((await cached.findUserById(user.id))!.displayName, "Ann");
  tick(1);
  assert.equal((await cached.findUserById(user.id))!.displayName, "Ann Lee");
  assert.equal(await cached.getSession("s1"), null);
  await store.close();
});

Deno.test("a write through the cache is seen by the very next read", async (t) => {
  const cases: [string, (s: Store, userId: string) => Promise<unknown>, string[]][] = [
    ["deleteSession", (s) => s.deleteSession("s1"), ["s1"]],
    ["deleteUserSessions", (s, id) => s.deleteUserSessions(id), ["s1", "s2"]],
    ["deleteOtherSessions", (s, id) => s.deleteOtherSessions(id, "s2"), ["s1"]],
  ];
  for (const [name, write, ended] of cases) {
    await t.step(name, async () => {
      const { store, cached, user } = await fixture();
      for (const id of ["s1", "s2"]) assert.ok(await cached.getSession(id));
      await write(cached, user.id);
      for (const id of ["s1", "s2"]) {
        assert.equal(await cached.getSession(id) === null, ended.includes(id), id);
      }
      await store.close();
    });
  }
  await t.step("updateUser (a deactivation)", async () => {
    const { store, cached, user } = await fixture();
    assert.equal((await cached.findUserById(user.id))!.isActive, true);
    await cached.updateUser(user.id, { isActive: false });
    assert.equal((await cached.findUserById(user.id))!.isActive, false);
    await store.close();
  });
  await t.step("setPasswordHash", async () => {
    const { store, cached, user } = await fixture();
    assert.equal((await cached.findUserById(user.id))!.passwordHash, OLD_HASH);
    assert.equal(await cached.setPasswordHash(user.id, NEW_HASH), true);
    assert.equal((await cached.findUserById(user.id))!.passwordHash, NEW_HASH);
    await store.close();
  });
});

Deno.test("unknown sessions are cached as unknown only for the TTL", async () => {
  const { store, cached, user, tick } = await fixture();
  assert.equal(await cached.getSession("s3"), null);
  await store.createSession({
    id: "s3",
    userId: user.id,
    createdAt: T0,
    lastSeenAt: T0,
    expiresAt: new Date(T0.getTime() + 3600_000),
  });
  tick(1000);
  assert.ok(await cached.getSession("s3"));
  await store.close();
});

import assert from "node:assert/strict";
import { openSqliteStore } from "./sqlite/mod.ts";
import { cachingLookupReads } from "./lookup-cache.ts";
import { DEFAULT_SETTINGS, storedSettingsFrom } from "../../shared/settings.ts";
import { settingsOfUser } from "./user-settings.ts";

const T0 = new Date("2026-12-02T09:00:00Z");

async function fixture() {
  const store = openSqliteStore(":memory:");
  let clock = 0;
  const cached = cachingLookupReads(store, 1000, () => clock);
  const ann = await store.createUser({
    email: "ann@example.test",
    displayName: "Ann",
    passwordHash: null,
    firebaseUid: null,
  });
  return { store, cached, ann, tick: (ms: number) => (clock += ms) };
}

const dnd = (on: boolean) =>
  storedSettingsFrom({ presence: { ...DEFAULT_SETTINGS.presence, doNotDisturb: on } });

Deno.test("another instance's writes are seen after the TTL, not before", async () => {
  const { store, cached, ann, tick } = await fixture();
  assert.equal((await cached.findDirectoryEntry(ann.care4wId))!.displayName, "Ann");
  assert.equal(await cached.getUserSettings(ann.id), null);
  assert.equal(await cached.getPhonePresence(ann.id), null);
  // Straight to the shared store, as another instance or the admin CLI writes.
  await store.updateUser(ann.id, { displayName: "Ann Lee", isActive: false });
  await store.saveUserSettings(ann.id, dnd(true), T0);
  await store.notePhonePresence({ userId: ann.id, online: true, changedAt: T0 });
  tick(999);
  assert.equal((await cached.findDirectoryEntry(ann.care4wId))!.displayName, "Ann");
  assert.equal(await cached.getUserSettings(ann.id), null);
  tick(1);
  const entry = await cached.findDirectoryEntry(ann.care4wId);
  assert.deepEqual([entry!.displayName, entry!.isActive], ["Ann Lee", false]);
  assert.equal((await settingsOfUser(cached, ann.id)).presence.doNotDisturb, true);
  assert.equal((await cached.getPhonePresence(ann.id))!.online, true);
  await store.close();
});

Deno.test("a write through the cache is seen by the very next read", async () => {
  const { cached, ann } = await fixture();
  await cached.findDirectoryEntry(ann.care4wId);
  await cached.findDirectoryEntry("care4w-1000002");
  await cached.getUserSettings(ann.id);
  await cached.getPhonePresence(ann.id);

  await cached.updateUser(ann.id, { isActive: false });
  assert.equal((await cached.findDirectoryEntry(ann.care4wId))!.isActive, false);
  const bob = await cached.createUser({
    email: "bob@example.test",
    displayName: "Bob",
    passwordHash: null,
    firebaseUid: null,
  });
  assert.equal(bob.care4wId, "care4w-1000002");
  assert.equal((await cached.findDirectoryEntry(bob.care4wId))!.displayName, "Bob");

  await cached.saveUserSettings(ann.id, dnd(true), T0);
  assert.equal((await settingsOfUser(cached, ann.id)).presence.doNotDisturb, true);
  await cached.deleteUserSettings(ann.id);
  assert.equal(await cached.getUserSettings(ann.id), null);

  await cached.notePhonePresence({ userId: ann.id, online: true, changedAt: T0 });
  assert.equal((await cached.getPhonePresence(ann.id))!.online, true);
  const later = new Date(T0.getTime() + 60_000);
  const presence = { userId: ann.id, online: false, changedAt: later };
  await cached.applyEvents([{ id: "presence-1", type: "presence", at: later, presence }]);
  assert.equal((await cached.getPhonePresence(ann.id))!.online, false, "an agent event");
  await cached.close();
});

Deno.test("settings read back are shared and frozen: no caller can change another's", async () => {
  const { cached, ann } = await fixture();
  await cached.saveUserSettings(ann.id, dnd(true), T0);
  const first = await settingsOfUser(cached, ann.id);
  assert.equal(await settingsOfUser(cached, ann.id), first, "read once");
  assert.throws(() => {
    (first.presence as { doNotDisturb: boolean }).doNotDisturb = false;
  }, TypeError);
  const defaults = await settingsOfUser(cached, "u-nobody");
  assert.ok(Object.isFrozen(defaults.privacy));
  await cached.close();
});

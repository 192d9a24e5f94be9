/**
 * A short-lived read cache of what a lookup reads besides the session (`auth/session-cache.ts`):
 * the directory entry, the callee's settings and their phone's presence. Three queries of the
 * lookup's five, and most of its time (`deno task bench:web`, `--cpu-prof`).
 *
 * Why it stays correct, as the session cache does:
 * - a write through this store forgets what it touched, so on this instance the next read sees
 *   it (a new or renamed or deactivated user clears the directory: such writes are rare; the
 *   agent's presence events forget their phones);
 * - another instance's write (or the admin CLI's) is seen within `ttlMs` (1 s by default), the
 *   bound sessions already have; presence itself moves by the minute and browsers keep a lookup
 *   for 5 s (`cache-control`).
 */
import type { Store } from "./mod.ts";
import type { DirectoryEntry } from "./users.ts";
import type { StoredSettings } from "../../shared/settings.ts";
import type { PhonePresence } from "./phone-presence.ts";
import { createTtlMap, forgetAround, readThrough } from "./ttl-map.ts";

/** Wraps `store`; `clock` is monotonic milliseconds. */
export function cachingLookupReads<S extends Store>(
  store: S,
  ttlMs = 1000,
  clock: () => number = () => performance.now(),
): S {
  const directory = createTtlMap<DirectoryEntry | null>(ttlMs, clock);
  const settings = createTtlMap<StoredSettings | null>(ttlMs, clock);
  const phones = createTtlMap<PhonePresence | null>(ttlMs, clock);
  const cached = Object.create(store) as S;
  cached.findDirectoryEntry = (care4wId) =>
    readThrough(directory, care4wId, () => store.findDirectoryEntry(care4wId));
  cached.getUserSettings = (userId) =>
    readThrough(settings, userId, () => store.getUserSettings(userId));
  cached.getPhonePresence = (userId) =>
    readThrough(phones, userId, () => store.getPhonePresence(userId));

  const forgetDirectory = () => directory.clear();
  cached.createUser = (input) => forgetAround(forgetDirectory, () => store.createUser(input));
  cached.updateUser = (id, patch) =>
    forgetAround(forgetDirectory, () => store.updateUser(id, patch));
  cached.saveUserSettings = (userId, document, at) =>
    forgetAround(() => settings.delete(userId), () => store.saveUserSettings(userId, document, at));
  cached.deleteUserSettings = (userId) =>
    forgetAround(() => settings.delete(userId), () => store.deleteUserSettings(userId));
  cached.notePhonePresence = (presence) =>
    forgetAround(() => phones.delete(presence.userId), () => store.notePhonePresence(presence));
  // The agent's presence events arrive in batches, written together with the other events.
  cached.applyEvents = (writes) => {
    const forgetPhones = () => {
      for (const write of writes) if (write.presence) phones.delete(write.presence.userId);
    };
    return forgetAround(forgetPhones, () => store.applyEvents(writes));
  };
  return cached;
}

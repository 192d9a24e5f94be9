/** The behaviour every UserSettingsStore must have. */
import assert from "node:assert/strict";
import { defaultStored } from "../../../shared/settings.ts";
import { defineContract } from "../../testing/contract.ts";
import type { UserSettingsStore } from "../user-settings.ts";

const AT = new Date("2026-03-01T09:00:00Z");

/** Runs the user settings contract against one implementation. */
export const userSettingsStoreContract = defineContract<UserSettingsStore>(
  "user settings store",
  {
    "a document is kept per user, replaced whole, and removed": async (store) => {
      assert.equal(await store.getUserSettings("u1"), null);
      const first = defaultStored();
      first.display.timezone = "Asia/Kathmandu";
      await store.saveUserSettings("u1", first, AT);
      assert.deepEqual(await store.getUserSettings("u1"), first);
      assert.equal(await store.getUserSettings("u2"), null, "another user has none");

      const second = defaultStored();
      second.notifications.sound = false;
      await store.saveUserSettings("u1", second, new Date(AT.getTime() + 1000));
      assert.deepEqual(await store.getUserSettings("u1"), second, "replaced, not merged");

      assert.equal(await store.deleteUserSettings("u1"), true);
      assert.equal(await store.getUserSettings("u1"), null);
      assert.equal(await store.deleteUserSettings("u1"), false);
    },
    "a document is handed back as written, not shared with the caller": async (store) => {
      const doc = defaultStored();
      await store.saveUserSettings("u1", doc, AT);
      doc.privacy.allowDirectCalls = false;
      assert.equal((await store.getUserSettings("u1"))?.privacy.allowDirectCalls, true);
    },
  },
);

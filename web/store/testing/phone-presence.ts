/** The behaviour every PhonePresenceStore must have. */
import assert from "node:assert/strict";
import { defineContract } from "../../testing/contract.ts";
import type { PhonePresenceStore } from "../phone-presence.ts";

const T0 = new Date("2026-03-01T09:00:00Z").getTime();

/** Runs the phone presence contract against one implementation. */
export const phonePresenceStoreContract = defineContract<PhonePresenceStore>(
  "phone presence store",
  {
    "the latest change is kept; an older one arriving late changes nothing": async (store) => {
      assert.equal(await store.getPhonePresence("u1"), null);
      const online = { userId: "u1", online: true, changedAt: new Date(T0 + 2000) };
      assert.equal(await store.notePhonePresence(online), true);
      assert.deepEqual(await store.getPhonePresence("u1"), online);
      const stale = { userId: "u1", online: false, changedAt: new Date(T0 + 1000) };
      assert.equal(await store.notePhonePresence(stale), false);
      assert.deepEqual(await store.getPhonePresence("u1"), online);
      const offline = { userId: "u1", online: false, changedAt: new Date(T0 + 3000) };
      assert.equal(await store.notePhonePresence(offline), true);
      assert.deepEqual(await store.getPhonePresence("u1"), offline);
      assert.equal(await store.getPhonePresence("u2"), null);
    },
  },
);

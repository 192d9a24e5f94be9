/** The behaviour every SipCredentialStore must have. */
import assert from "node:assert/strict";
import { defineContract } from "../../testing/contract.ts";
import type { SipCredentialStore } from "../sip-credentials.ts";

const T0 = new Date("2026-03-01T09:00:00Z").getTime();

/** Runs the SIP credential contract against one implementation. */
export const sipCredentialStoreContract = defineContract<SipCredentialStore>(
  "SIP credential store",
  {
    "SIP credentials are saved, overwritten and read back": async (store) => {
      assert.equal(await store.getSipCredential("u1"), null);
      const first = {
        userId: "u1",
        encryptedPassword: "enc-1",
        ha1: "h1",
        rotatedAt: new Date(T0),
      };
      await store.saveSipCredential(first);
      assert.deepEqual(await store.getSipCredential("u1"), first);
      const second = {
        ...first,
        encryptedPassword: "enc-2",
        ha1: "h2",
        rotatedAt: new Date(T0 + 1),
      };
      await store.saveSipCredential(second);
      assert.deepEqual(await store.getSipCredential("u1"), second);
      assert.equal(await store.getSipCredential("u2"), null);
    },
  },
);

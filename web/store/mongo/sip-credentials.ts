/** SIP phone credentials in MongoDB. */
import type { Db } from "mongodb";
import type { SipCredential, SipCredentialStore } from "../sip-credentials.ts";

type SipDoc = Omit<SipCredential, "userId"> & { _id: string };

/** The SIP credential store (keyed by user id, so it needs no extra index). */
export function mongoSipCredentials(db: Db): Promise<SipCredentialStore> {
  const credentials = db.collection<SipDoc>("sipCredentials");
  return Promise.resolve({
    async saveSipCredential({ userId, ...rest }) {
      await credentials.replaceOne({ _id: userId }, rest, { upsert: true });
    },
    async getSipCredential(userId) {
      const doc = await credentials.findOne({ _id: userId });
      if (!doc) return null;
      const { _id, ...rest } = doc;
      return { userId: _id, ...rest };
    },
  });
}

/** Sessions and failed logins in MongoDB; TTL indexes remove the expired ones. */
import type { Db } from "mongodb";
import type { LoginFailureStore, Session, SessionStore } from "../sessions.ts";

/** The web layer only asks about recent failures; older ones are left to the TTL monitor. */
const LOGIN_FAILURE_TTL_SECONDS = 24 * 60 * 60;

type SessionDoc = Omit<Session, "id"> & { _id: string };
type LoginFailureDoc = { key: string; at: Date };

/** The session store; creates its indexes first. */
export async function mongoSessions(db: Db): Promise<SessionStore> {
  const sessions = db.collection<SessionDoc>("sessions");
  await sessions.createIndexes([
    { key: { expiresAt: 1 }, name: "expiresAt_ttl", expireAfterSeconds: 0 },
    { key: { userId: 1 }, name: "userId" },
  ]);
  return {
    async createSession({ id, ...rest }) {
      await sessions.insertOne({ _id: id, ...rest });
    },
    async getSession(id) {
      const doc = await sessions.findOne({ _id: id });
      if (!doc) return null;
      const { _id, ...rest } = doc;
      return { id: _id, ...rest };
    },
    async touchSession(id, lastSeenAt, expiresAt) {
      await sessions.updateOne({ _id: id }, { $set: { lastSeenAt, expiresAt } });
    },
    async deleteSession(id) {
      await sessions.deleteOne({ _id: id });
    },
    async deleteUserSessions(userId) {
      await sessions.deleteMany({ userId });
    },
  };
}

/** The failed-login store; creates its indexes first. */
export async function mongoLoginFailures(db: Db): Promise<LoginFailureStore> {
  const failures = db.collection<LoginFailureDoc>("loginFailures");
  await failures.createIndexes([
    { key: { key: 1, at: 1 }, name: "key_at" },
    { key: { at: 1 }, name: "at_ttl", expireAfterSeconds: LOGIN_FAILURE_TTL_SECONDS },
  ]);
  return {
    async recordLoginFailure(key, at) {
      await failures.insertOne({ key, at });
    },
    async listLoginFailures(key, since) {
      const docs = await failures.find({ key, at: { $gte: since } }).sort({ at: 1, _id: 1 })
        .toArray();
      return docs.map((doc) => doc.at);
    },
    async clearLoginFailures(key) {
      await failures.deleteMany({ key });
    },
  };
}

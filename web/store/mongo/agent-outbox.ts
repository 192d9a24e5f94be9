/** The agent outbox in MongoDB. */
import type { Db } from "mongodb";
import type { AgentOutboxEntry, AgentOutboxStore } from "../agent-outbox.ts";

type OutboxDoc = Omit<AgentOutboxEntry, "care4wId"> & { _id: string };

/** The agent outbox; creates its index first. */
export async function mongoAgentOutbox(db: Db): Promise<AgentOutboxStore> {
  const outbox = db.collection<OutboxDoc>("agentOutbox");
  await outbox.createIndexes([{ key: { queuedAt: 1, _id: 1 }, name: "queuedAt" }]);
  return {
    async queueAgentSync(care4wId, at) {
      const doc = await outbox.findOneAndUpdate(
        { _id: care4wId },
        { $inc: { version: 1 }, $setOnInsert: { queuedAt: at } },
        { upsert: true, returnDocument: "after" },
      );
      return doc!.version;
    },
    async listAgentSync(limit) {
      const count = Math.max(0, Math.floor(limit));
      // limit(0) means "no limit" to MongoDB.
      if (count === 0) return [];
      const docs = await outbox.find().sort({ queuedAt: 1, _id: 1 }).limit(count).toArray();
      return docs.map(({ _id, ...rest }) => ({ care4wId: _id, ...rest }));
    },
    async clearAgentSync(care4wId, version) {
      const result = await outbox.deleteOne({ _id: care4wId, version });
      return result.deletedCount === 1;
    },
  };
}

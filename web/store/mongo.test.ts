import { MongoClient } from "mongodb";
import { storeContract } from "./contract.ts";
import { openMongoStore } from "./mongo.ts";
import type { Store } from "./types.ts";

const uri = Deno.env.get("MONGODB_URI");

if (!uri) console.log("MongoDB store contract suite skipped: MONGODB_URI is not set");

/** A store on a fresh, randomly named database that is dropped when the store is closed. */
async function openTempStore(): Promise<Store> {
  const dbName = `careflow_test_${crypto.randomUUID().replaceAll("-", "")}`;
  const store = await openMongoStore(uri!, dbName);
  return {
    ...store,
    async close() {
      await store.close();
      const admin = new MongoClient(uri!);
      try {
        await admin.db(dbName).dropDatabase();
      } finally {
        await admin.close();
      }
    },
  };
}

// The driver's sockets and monitor timers finish shutting down after close() resolves.
storeContract("mongo", openTempStore, { ignore: !uri, sanitize: false });

import { MongoClient } from "mongodb";
import { analyticsStoreContract } from "../testing/analytics.ts";
import { openMongoStore } from "./mod.ts";

const uri = Deno.env.get("MONGODB_URI");

analyticsStoreContract({
  name: "mongo",
  skip: uri ? undefined : "MONGODB_URI is not set (no MongoDB server can be installed here)",
  // The driver's sockets and monitor timers finish shutting down after close() resolves.
  sanitize: false,
  // A store on a fresh, randomly named database that is dropped when the store is closed.
  async open() {
    const dbName = `careflow_test_${crypto.randomUUID().replaceAll("-", "")}`;
    const store = await openMongoStore(uri!, dbName);
    return {
      subject: store,
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
  },
});

import { analyticsStoreContract } from "../testing/analytics.ts";
import { openSqliteStore } from "./mod.ts";

analyticsStoreContract({
  name: "sqlite",
  // A store on a file in its own temp directory, removed when the store is closed.
  async open() {
    const dir = await Deno.makeTempDir({ prefix: "careflow-store-" });
    const store = openSqliteStore(`${dir}/careflow.sqlite`);
    return {
      subject: store,
      async close() {
        await store.close();
        await Deno.remove(dir, { recursive: true });
      },
    };
  },
});

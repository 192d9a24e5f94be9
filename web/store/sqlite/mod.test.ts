import assert from "node:assert/strict";
import { storeContracts } from "../testing/mod.ts";
import { openSqliteStore } from "./mod.ts";

storeContracts({
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

Deno.test("sqlite store: data survives closing and reopening the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "careflow-store-" });
  const path = `${dir}/careflow.sqlite`;
  try {
    const first = openSqliteStore(path);
    const user = await first.createUser({
      email: "Keep@Example.test",
      displayName: "Keeper",
      passwordHash: null,
      firebaseUid: "fb-keep",
    });
    await first.close();

    const second = openSqliteStore(path);
    try {
      assert.deepEqual(await second.findUserByEmail("keep@example.test"), user);
      const next = await second.createUser({
        email: "next@example.test",
        displayName: "Next",
        passwordHash: null,
        firebaseUid: null,
      });
      assert.equal(next.care4wId, "care4w-1000002");
    } finally {
      await second.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sqlite store: an in-memory store works for tests", async () => {
  const store = openSqliteStore(":memory:");
  try {
    assert.equal(await store.nextCounterValue("x"), 1);
  } finally {
    await store.close();
  }
});

import assert from "node:assert/strict";
import { createS3Storage } from "./s3.ts";
import { putPattern } from "./testing/contract-reads.ts";
import { recordingStorageContract } from "./testing/contract.ts";
import {
  type CheckedS3,
  checkedStorage,
  REGION,
  startCheckedS3,
  stopCheckedS3,
} from "./testing/s3-fixture.ts";

// s3rver does not check signatures: the proxy in front of it does, so a request the SDK signed
// wrongly fails its check here. Default paging, because s3rver pages in folder-walk order and with
// small pages drops an object whose name is also a folder ("rec/r1" beside "rec/r1/…").
recordingStorageContract<CheckedS3>({
  name: "s3",
  setup: startCheckedS3,
  teardown: stopCheckedS3,
  async open(fixture) {
    const storage = await checkedStorage(fixture);
    return { subject: storage, close: () => Promise.resolve(storage.close()) };
  },
});

async function withS3(fn: (fixture: CheckedS3) => Promise<void>) {
  const fixture = await startCheckedS3();
  try {
    await fn(fixture);
  } finally {
    await stopCheckedS3(fixture);
  }
}

Deno.test("s3 storage: list follows continuation pages to the end", async () => {
  await withS3(async (fixture) => {
    const storage = await checkedStorage(fixture, { listPageSize: 7 });
    try {
      const keys = Array.from({ length: 40 }, (_, i) => `rec/p/part-${String(i).padStart(4, "0")}`);
      for (const key of keys) await putPattern(storage, key, 1);
      assert.deepEqual(await storage.list("rec/p/"), keys);
      const pages = fixture.proxy.requests.filter((r) => r.target.includes("list-type=2"));
      assert.equal(pages.length, 6, "40 keys in pages of 7");
    } finally {
      storage.close();
    }
  });
});

Deno.test("s3 storage: an unreachable endpoint fails loudly rather than reading as missing", async () => {
  const storage = createS3Storage({
    endpoint: "http://127.0.0.1:9", // discard port: nothing listens
    region: REGION,
    bucket: "nowhere",
    accessKeyId: "x",
    secretAccessKey: "y",
    forcePathStyle: true,
  });
  try {
    await assert.rejects(storage.get("rec/a"));
    await assert.rejects(storage.stat("rec/a"));
  } finally {
    storage.close();
  }
});

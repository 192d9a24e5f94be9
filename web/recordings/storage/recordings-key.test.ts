import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { loadOrCreateRecordingsKey } from "./recordings-key.ts";

async function inTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "careflow-key-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("recordings key: generated once into DATA_DIR with mode 0600, then reused", async () => {
  await inTempDir(async (root) => {
    const dataDir = `${root}/data`; // not there yet: made on first start
    const first = await loadOrCreateRecordingsKey(dataDir);
    assert.equal(first.generated, true);
    assert.equal(first.key.byteLength, 32);
    assert.equal(first.path, `${dataDir}/recordings.key`);
    assert.equal((await Deno.stat(first.path!)).mode! & 0o777, 0o600);
    const second = await loadOrCreateRecordingsKey(dataDir);
    assert.equal(second.generated, false);
    assert.deepEqual(second.key, first.key);
  });
});

Deno.test("recordings key: starts racing each other agree on one key", async () => {
  await inTempDir(async (dir) => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => loadOrCreateRecordingsKey(dir)),
    );
    assert.equal(results.filter((r) => r.generated).length, 1);
    for (const r of results) assert.deepEqual(r.key, results[0].key);
  });
});

Deno.test("recordings key: a configured key wins and nothing is written", async () => {
  await inTempDir(async (dir) => {
    const bytes = new Uint8Array(32).fill(7);
    const text = Buffer.from(bytes).toString("base64");
    assert.deepEqual(await loadOrCreateRecordingsKey(dir, text), {
      key: bytes,
      generated: false,
      path: undefined,
    });
    assert.deepEqual((await loadOrCreateRecordingsKey(dir, bytes)).key, bytes);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("recordings key: a key that is not 32 bytes of base64 is refused", async () => {
  await inTempDir(async (dir) => {
    for (const bad of ["c2hvcnQ=", Buffer.alloc(33).toString("base64"), "!!" + "A".repeat(42)]) {
      await assert.rejects(() => loadOrCreateRecordingsKey(dir, bad), /RECORDINGS_KEY/);
    }
    await assert.rejects(() => loadOrCreateRecordingsKey(dir, new Uint8Array(16)), /32 bytes/);
    await Deno.writeTextFile(`${dir}/recordings.key`, "not a key\n");
    await assert.rejects(() => loadOrCreateRecordingsKey(dir), /recordings\.key must be 32/);
  });
});

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createLocalStorage } from "./local.ts";
import { SealedDataError } from "./segmented-cipher.ts";
import { assertSameBytes, patternBytes, patternStream, readAll } from "./testing/bytes.ts";
import { recordingStorageContract } from "./testing/contract.ts";

const key = () => new Uint8Array(randomBytes(32));

recordingStorageContract({
  name: "local",
  // A fresh folder per check, removed afterwards.
  async open() {
    const dir = await Deno.makeTempDir({ prefix: "careflow-recordings-" });
    return {
      subject: createLocalStorage({ dir: `${dir}/recordings`, key: key() }),
      close: () => Deno.remove(dir, { recursive: true }),
    };
  },
});

async function withFolder(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "careflow-recordings-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const webm = { contentType: "audio/webm", maxBytes: 1e9 };

Deno.test("local storage: files hold no plaintext and only the owner may read them", async () => {
  await withFolder(async (dir) => {
    const storage = createLocalStorage({ dir, key: key() });
    const marker = new TextEncoder().encode("SECRET-CONVERSATION-".repeat(5000));
    await storage.put("rec/a", ReadableStream.from([marker]), webm);
    const path = `${dir}/rec/a~sealed`;
    const onDisk = await Deno.readFile(path);
    assert.equal(new TextDecoder("latin1").decode(onDisk).includes("SECRET"), false);
    assert.equal((await Deno.stat(path)).mode! & 0o077, 0, "no group or other access");
    assert.deepEqual([...Deno.readDirSync(`${dir}/.tmp`)], [], "no temp file left");
  });
});

Deno.test("local storage: another key cannot read, a changed file fails loudly", async () => {
  await withFolder(async (dir) => {
    const k = key();
    await createLocalStorage({ dir, key: k }).put("a", patternStream(200_000), webm);
    const stranger = createLocalStorage({ dir, key: key() });
    const foreign = await stranger.get("a");
    await assert.rejects(readAll(foreign!.body), SealedDataError);

    const path = `${dir}/a~sealed`;
    const bytes = await Deno.readFile(path);
    bytes[bytes.byteLength - 100] ^= 1;
    await Deno.writeFile(path, bytes);
    const owner = createLocalStorage({ dir, key: k });
    await assert.rejects(readAll((await owner.get("a"))!.body), SealedDataError);
    // Ranges away from the changed segment are still authentic and served.
    const early = await owner.get("a", { start: 0, end: 999 });
    assertSameBytes(await readAll(early!.body), patternBytes(0, 1000));
  });
});

Deno.test("local storage: a reader keeps the old object while it is replaced", async () => {
  await withFolder(async (dir) => {
    const storage = createLocalStorage({ dir, key: key() });
    await storage.put("a", patternStream(500_000), webm);
    const reading = await storage.get("a");
    await storage.put("a", ReadableStream.from([new Uint8Array(10)]), webm);
    assertSameBytes(await readAll(reading!.body), patternBytes(0, 500_000));
    assert.equal((await storage.stat("a"))?.size, 10);
  });
});

Deno.test("local storage: a wrong-sized key is refused", () => {
  assert.throws(() => createLocalStorage({ dir: "/tmp/x", key: new Uint8Array(16) }), TypeError);
});

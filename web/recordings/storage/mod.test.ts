import assert from "node:assert/strict";
import { openRecordingStorage } from "./mod.ts";
import { streamOf } from "./testing/bytes.ts";

function recordingLog() {
  const lines: { level: string; msg: string; fields?: unknown }[] = [];
  return {
    lines,
    warn: (msg: string, fields?: unknown) => lines.push({ level: "warn", msg, fields }),
    info: (msg: string, fields?: unknown) => lines.push({ level: "info", msg, fields }),
  };
}

Deno.test("openRecordingStorage: the embedded default makes a key once, warning that once", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "careflow-data-" });
  try {
    const log = recordingLog();
    const first = await openRecordingStorage({ key: undefined, s3: undefined }, dataDir, log);
    assert.equal(first.kind, "local");
    await first.put("rec/a", streamOf(new Uint8Array([1, 2, 3])), {
      contentType: "audio/wav",
      maxBytes: 10,
    });
    assert.deepEqual(log.lines.filter((l) => l.level === "warn").length, 1);
    const again = recordingLog();
    const second = await openRecordingStorage({ key: undefined, s3: undefined }, dataDir, again);
    assert.equal(
      again.lines.filter((l) => l.level === "warn").length,
      0,
      "no warning the 2nd time",
    );
    assert.equal((await second.stat("rec/a"))?.size, 3, "the same key reads what the first wrote");
    const configured = recordingLog();
    const keyed = await openRecordingStorage(
      { key: new Uint8Array(32), s3: undefined },
      dataDir,
      configured,
    );
    assert.equal(configured.lines.filter((l) => l.level === "warn").length, 0);
    assert.equal(keyed.kind, "local");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("openRecordingStorage: S3 settings select S3 and touch no local key", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "careflow-data-" });
  try {
    const s3 = {
      endpoint: "http://127.0.0.1:9",
      region: "us-west-004",
      bucket: "recordings",
      accessKeyId: "id",
      secretAccessKey: "secret",
      forcePathStyle: false,
    };
    const storage = await openRecordingStorage({ key: undefined, s3 }, dataDir, recordingLog());
    assert.equal(storage.kind, "s3");
    assert.deepEqual([...Deno.readDirSync(dataDir)], []);
    (storage as unknown as { close(): void }).close();
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

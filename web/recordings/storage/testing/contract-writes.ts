/** The writing half of the recording storage contract: limits, overwrite, list, delete, keys. */
import assert from "node:assert/strict";
import type { Checks } from "../../../testing/contract.ts";
import { type RecordingStorage, StorageLimitError } from "../types.ts";
import {
  assertSameBytes,
  digest,
  patternBytes,
  patternDigest,
  patternStream,
  readAll,
  streamOf,
} from "./bytes.ts";
import { BIG, putPattern, roomy } from "./contract-reads.ts";

/** Keys each implementation must refuse, and why. */
const BAD_KEYS = [
  "",
  "/absolute",
  "../up",
  "a/../b",
  "a..b",
  "a/./b",
  "a//b",
  "trailing/",
  ".hidden",
  "rec/.tmp",
  "space here",
  "back\\slash",
  "ümlaut",
  "nul\0",
  "x".repeat(1025),
];

/** A source that records whether the storage cancelled it. */
function watchedSource(size: number) {
  const inner = patternStream(size).getReader();
  const watched = { cancelled: false, stream: undefined as unknown as ReadableStream<Uint8Array> };
  watched.stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await inner.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      watched.cancelled = true;
      await inner.cancel();
    },
  }, { highWaterMark: 0 });
  return watched;
}

/** Asserts `key` is absent by every way of looking. */
async function assertAbsent(s: RecordingStorage, key: string) {
  assert.equal(await s.get(key), null, `${key}: get`);
  assert.equal(await s.stat(key), null, `${key}: stat`);
  assert.ok(!(await s.list("")).includes(key), `${key}: list`);
}

/** Behaviours of writing, listing and deleting. */
export const writeChecks: Checks<RecordingStorage> = {
  "a write over maxBytes rejects, keeps nothing and stops the source": async (s) => {
    const small = watchedSource(300_000);
    const refused = s.put("lim/small", small.stream, {
      contentType: "audio/webm",
      maxBytes: 200_000,
    });
    await assert.rejects(refused, (e) => e instanceof StorageLimitError && e.limit === 200_000);
    assert.equal(small.cancelled, true, "the source was cancelled");
    // Big enough that S3 has sent a part of a multipart upload before the limit is reached.
    const big = s.put("lim/big", patternStream(BIG), {
      contentType: "audio/webm",
      maxBytes: BIG - 1,
    });
    await assert.rejects(big, StorageLimitError);
    await assertAbsent(s, "lim/small");
    await assertAbsent(s, "lim/big");
    const exact = await s.put("lim/exact", patternStream(200_000), {
      contentType: "audio/webm",
      maxBytes: 200_000,
    });
    assert.deepEqual(exact, { size: 200_000 }, "exactly the limit is allowed");
  },
  "a refused or failed write leaves the previous object as it was": async (s) => {
    await putPattern(s, "keep", 1000, "audio/ogg");
    await assert.rejects(
      s.put("keep", patternStream(5000), { contentType: "audio/webm", maxBytes: 2000 }),
      StorageLimitError,
    );
    await assert.rejects(s.put("keep", patternStream(BIG, { failAfter: 100_000 }), roomy()));
    assert.deepEqual(await s.stat("keep"), { size: 1000, contentType: "audio/ogg" });
    assertSameBytes(await readAll((await s.get("keep"))!.body), patternBytes(0, 1000));
  },
  "a source that fails rejects the write and keeps nothing": async (s) => {
    const failing = patternStream(BIG, { failAfter: 5_500_000 });
    await assert.rejects(s.put("rec/broken", failing, roomy()), /the source failed/);
    await assertAbsent(s, "rec/broken");
  },
  "an overwrite replaces body and type": async (s) => {
    await putPattern(s, "rec/x", 100_000, "audio/webm");
    const body = new TextEncoder().encode("0123456789");
    assert.deepEqual(await s.put("rec/x", streamOf(body), roomy("audio/mpeg")), { size: 10 });
    const got = await s.get("rec/x");
    assert.equal(got?.contentType, "audio/mpeg");
    assertSameBytes(await readAll(got!.body), body);
    assert.deepEqual(await s.stat("rec/x"), { size: 10, contentType: "audio/mpeg" });
  },
  "list is sorted and holds exactly the keys under the prefix": async (s) => {
    const parts = Array.from({ length: 40 }, (_, i) => `rec/r1/part-${String(i).padStart(4, "0")}`);
    const others = ["rec/r10/part-0000", "rec/r2/x", "other/y", "rec-not/z", "rec/r1"];
    const all = [...parts, ...others];
    const shuffled = [...all].sort(() => Math.random() - 0.5);
    for (let i = 0; i < shuffled.length; i += 8) {
      await Promise.all(shuffled.slice(i, i + 8).map((key) => putPattern(s, key, 1)));
    }
    assert.deepEqual(await s.list("rec/r1/"), parts);
    assert.deepEqual(await s.list("rec/r1/part-001"), parts.slice(10, 20));
    assert.deepEqual(await s.list("rec/r1"), ["rec/r1", ...parts, "rec/r10/part-0000"]);
    assert.deepEqual(await s.list(""), [...all].sort());
    assert.deepEqual(await s.list("rec/r3/"), []);
    assert.deepEqual(await s.list("rec/r1/part-0039"), ["rec/r1/part-0039"]);
  },
  "delete removes the object, leaves its neighbours and is idempotent": async (s) => {
    await putPattern(s, "rec/d/1", 10);
    await putPattern(s, "rec/d/2", 10);
    await s.delete("rec/d/1");
    await assertAbsent(s, "rec/d/1");
    await s.delete("rec/d/1");
    await s.delete("never/was");
    assert.deepEqual(await s.list("rec/"), ["rec/d/2"]);
    await s.delete("rec/d/2");
    assert.deepEqual(await s.list(""), []);
    await putPattern(s, "rec/d/3", 10); // the folder a delete tidied away comes back
    assert.deepEqual(await s.list("rec/d/"), ["rec/d/3"]);
  },
  "writes to different keys at once all land": async (s) => {
    const keys = Array.from({ length: 6 }, (_, i) => `rec/c/${i}`);
    await Promise.all(keys.map((key) => putPattern(s, key, 300_000 + 1)));
    const want = await patternDigest(300_001);
    for (const key of keys) assert.deepEqual(await digest((await s.get(key))!.body), want);
  },
  "bad keys, prefixes, types and limits are refused": async (s) => {
    for (const key of BAD_KEYS) {
      const why = JSON.stringify(key).slice(0, 40);
      await assert.rejects(s.put(key, streamOf(), roomy()), TypeError, `put ${why}`);
      await assert.rejects(s.get(key), TypeError, `get ${why}`);
      await assert.rejects(s.stat(key), TypeError, `stat ${why}`);
      await assert.rejects(s.delete(key), TypeError, `delete ${why}`);
      await assert.rejects(s.signedUrl(key, 60), TypeError, `signedUrl ${why}`);
    }
    for (const prefix of ["/", "../", "a//", ".tmp/", "rec/.x", "a b", "rec/.."]) {
      await assert.rejects(s.list(prefix), TypeError, `list ${prefix}`);
    }
    for (const contentType of ["", "audio/webm\r\nx-evil: 1", "ä", "x".repeat(256)]) {
      await assert.rejects(s.put("k", streamOf(), roomy(contentType)), TypeError, contentType);
    }
    for (const maxBytes of [-1, NaN]) {
      await assert.rejects(s.put("k", streamOf(), { contentType: "a/b", maxBytes }), TypeError);
    }
    assert.deepEqual(await s.list(""), []);
  },
};

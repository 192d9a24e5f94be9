/** The reading half of the recording storage contract: bodies, ranges, stat, missing keys. */
import assert from "node:assert/strict";
import type { Checks } from "../../../testing/contract.ts";
import type { RecordingStorage } from "../types.ts";
import {
  assertSameBytes,
  digest,
  patternBytes,
  patternDigest,
  patternStream,
  readAll,
} from "./bytes.ts";

const MiB = 1024 * 1024;
/** Over one S3 part (5 MiB) and many cipher segments (64 KiB), and odd. */
export const BIG = 6 * MiB + 12_345;
const SEGMENT = 64 * 1024;

/** Put options with a generous limit. */
export const roomy = (contentType = "audio/webm") => ({ contentType, maxBytes: 100 * MiB });

/** Puts `size` pattern bytes under `key`. */
export async function putPattern(s: RecordingStorage, key: string, size: number, type?: string) {
  return await s.put(key, patternStream(size), roomy(type));
}

/** Reads `range` of `key` and checks it against the pattern (and the whole size). */
async function assertRange(
  s: RecordingStorage,
  key: string,
  size: number,
  range: { start: number; end?: number },
) {
  const got = await s.get(key, range);
  assert.ok(got, `${key} is there`);
  assert.equal(got.size, size, "size is the whole object's, whatever the range");
  const end = Math.min(range.end ?? size - 1, size - 1);
  assertSameBytes(
    await readAll(got.body),
    patternBytes(range.start, end - range.start + 1),
    `bytes ${range.start}-${range.end ?? ""}`,
  );
}

/** Behaviours of reading back. */
export const readChecks: Checks<RecordingStorage> = {
  "a multi-megabyte streamed body round trips (compared by hash)": async (s) => {
    assert.deepEqual(await putPattern(s, "rec/big/audio.webm", BIG), { size: BIG });
    const got = await s.get("rec/big/audio.webm");
    assert.ok(got);
    assert.equal(got.size, BIG);
    assert.equal(got.contentType, "audio/webm");
    assert.deepEqual(await digest(got.body), await patternDigest(BIG));
  },
  "stat gives size and type without the body": async (s) => {
    await putPattern(s, "rec/a.ogg", 123_457, "audio/ogg; codecs=opus");
    assert.deepEqual(await s.stat("rec/a.ogg"), {
      size: 123_457,
      contentType: "audio/ogg; codecs=opus",
    });
  },
  "ranges: first byte, middle, last bytes, open-ended, whole": async (s) => {
    const size = 200_000;
    await putPattern(s, "r", size);
    for (
      const range of [
        { start: 0, end: 0 },
        { start: 1000, end: 1999 },
        { start: size - 10, end: size - 1 },
        { start: size - 5 },
        { start: 0 },
        { start: size - 1, end: size - 1 },
      ]
    ) await assertRange(s, "r", size, range);
  },
  "ranges crossing cipher segments and upload parts": async (s) => {
    await putPattern(s, "rec/cross", BIG);
    for (
      const [start, end] of [
        [SEGMENT - 1, SEGMENT],
        [SEGMENT - 6, 3 * SEGMENT + 7],
        [5 * MiB - 3, 5 * MiB + 3],
        [BIG - 70_000, BIG - 1],
      ]
    ) await assertRange(s, "rec/cross", BIG, { start, end });
  },
  "a range ending past the end is clamped; one starting at or past it is a RangeError": async (
    s,
  ) => {
    await putPattern(s, "r", 1000);
    await assertRange(s, "r", 1000, { start: 990, end: 5000 });
    await assert.rejects(() => s.get("r", { start: 1000 }), RangeError);
    await assert.rejects(() => s.get("r", { start: 5000, end: 6000 }), RangeError);
    for (const bad of [{ start: -1 }, { start: 5, end: 4 }, { start: 1.5 }, { start: NaN }]) {
      await assert.rejects(() => s.get("r", bad), RangeError, JSON.stringify(bad));
    }
    assertSameBytes(await readAll((await s.get("r"))!.body), patternBytes(0, 1000));
  },
  "an empty object round trips and no range fits it": async (s) => {
    assert.deepEqual(await s.put("empty", patternStream(0), roomy("audio/wav")), { size: 0 });
    const got = await s.get("empty");
    assert.ok(got);
    assert.equal(got.size, 0);
    assert.equal(got.contentType, "audio/wav");
    assert.equal((await readAll(got.body)).byteLength, 0);
    assert.deepEqual(await s.stat("empty"), { size: 0, contentType: "audio/wav" });
    await assert.rejects(() => s.get("empty", { start: 0 }), RangeError);
  },
  "a missing key is null, with or without a range": async (s) => {
    assert.equal(await s.get("rec/none"), null);
    assert.equal(await s.get("rec/none", { start: 0, end: 9 }), null);
    assert.equal(await s.stat("rec/none"), null);
    assert.deepEqual(await s.list("rec/"), []);
    await putPattern(s, "rec/one", 10);
    assert.equal(await s.get("rec/one/below"), null, "a key under an object's name");
    assert.equal(await s.get("rec"), null, "a folder of keys is not an object");
  },
  "a body read can stop halfway": async (s) => {
    await putPattern(s, "rec/half", BIG);
    const got = await s.get("rec/half");
    const reader = got!.body.getReader();
    assert.equal((await reader.read()).done, false);
    await reader.cancel();
    const ranged = await s.get("rec/half", { start: 100, end: 3 * MiB });
    await ranged!.body.cancel();
    await s.delete("rec/half");
    assert.equal(await s.stat("rec/half"), null);
  },
};

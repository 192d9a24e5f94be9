/**
 * The recording storage contract: what the local folder and S3 both must do, run against each by
 * `local.test.ts` and `s3.test.ts` (S3 on a real local server, with every request's signature
 * checked). Range semantics, decided here and in `../keys.ts`: an end past the last byte is
 * clamped, a start at or past it is a `RangeError` (web answers 416); bad keys are a `TypeError`.
 */
import assert from "node:assert/strict";
import { sleep } from "../../../../testing/eventually.ts";
import { defineContract } from "../../../testing/contract.ts";
import type { RecordingStorage } from "../types.ts";
import { assertSameBytes, digest, patternBytes, patternDigest, readAll } from "./bytes.ts";
import { putPattern, readChecks } from "./contract-reads.ts";
import { writeChecks } from "./contract-writes.ts";

/** Registers the contract for one implementation. */
export const recordingStorageContract = defineContract<RecordingStorage>("recording storage", {
  ...readChecks,
  ...writeChecks,
  "signedUrl is null for the local folder, else a link that serves the object and expires": async (
    s,
  ) => {
    await putPattern(s, "rec/link.webm", 300_000);
    const url = await s.signedUrl("rec/link.webm", 60);
    if (url === null) {
      assert.equal(s.kind, "local", "only the local folder has no links");
      return;
    }
    const whole = await fetch(url);
    assert.equal(whole.status, 200);
    assert.deepEqual(await digest(whole.body!), await patternDigest(300_000));
    // Browsers seek with Range requests on the link itself.
    const part = await fetch(url, { headers: { range: "bytes=10-19" } });
    assert.equal(part.status, 206);
    assertSameBytes(new Uint8Array(await part.arrayBuffer()), patternBytes(10, 10));
    const brief = await s.signedUrl("rec/link.webm", 1);
    await sleep(2000);
    const late = await fetch(brief!);
    await late.body?.cancel();
    assert.equal(late.status, 403, "a 1 s link is refused after 2 s");
  },
  "signedUrl refuses a lifetime outside 1 s to 7 days": async (s) => {
    for (const seconds of [0, -5, 1.5, 604_801, NaN]) {
      await assert.rejects(s.signedUrl("rec/x", seconds), TypeError, String(seconds));
    }
  },
  "what is read back is what was written, never a neighbour's bytes": async (s) => {
    const a = new Uint8Array(70_000).fill(0xaa);
    const b = new Uint8Array(70_000).fill(0xbb);
    await s.put("rec/n/a", ReadableStream.from([a]), { contentType: "audio/wav", maxBytes: 1e6 });
    await s.put("rec/n/b", ReadableStream.from([b]), { contentType: "audio/wav", maxBytes: 1e6 });
    assertSameBytes(
      await readAll((await s.get("rec/n/a", { start: 65_530 }))!.body),
      a.slice(0, 4470),
    );
    assertSameBytes(await readAll((await s.get("rec/n/b"))!.body), b);
  },
});

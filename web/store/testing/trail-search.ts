/**
 * The admin section's part of the AccessTrailStore contract: the filtered, newest-first view.
 * Spread into `accessTrailStoreContract`, which runs it.
 */
import assert from "node:assert/strict";
import { nextEntry } from "../../recordings/trail.ts";
import type { Checks } from "../../testing/contract.ts";
import type { AccessTrailStore } from "../access-trail.ts";

const T0 = new Date("2026-03-01T09:00:00Z").getTime();
const MINUTE = 60_000;

/** Entry n: by u-a (odd n) or u-b, about r-1 (n <= 3) or r-2, n minutes after T0. */
async function appendSix(store: AccessTrailStore): Promise<void> {
  for (let n = 1; n <= 6; n++) {
    await store.appendTrail((last) =>
      nextEntry(last, {
        at: new Date(T0 + n * MINUTE),
        actorUserId: n === 6 ? null : n % 2 ? "u-a" : "u-b",
        recordingId: n <= 3 ? "r-1" : "r-2",
        action: n === 6 ? "purge" : "play",
        ip: null,
        userAgent: null,
      })
    );
  }
}

const seqsOf = async (entries: Promise<{ seq: number }[]>) => (await entries).map((e) => e.seq);

/** What every AccessTrailStore does for the admin section. */
export const trailSearchChecks: Checks<AccessTrailStore> = {
  "the trail is searched by actor, recording and time, newest first, a page at a time": async (
    store,
  ) => {
    assert.deepEqual(await store.searchTrail({}, 0, 10), []);
    await appendSix(store);
    assert.deepEqual(await seqsOf(store.searchTrail({}, 0, 10)), [6, 5, 4, 3, 2, 1]);
    assert.deepEqual(await seqsOf(store.searchTrail({}, 2, 2)), [4, 3], "offset and limit");
    assert.deepEqual(await seqsOf(store.searchTrail({ actorUserId: "u-a" }, 0, 10)), [5, 3, 1]);
    assert.deepEqual(await seqsOf(store.searchTrail({ recordingId: "r-1" }, 0, 10)), [3, 2, 1]);
    const window = { from: new Date(T0 + 2 * MINUTE), to: new Date(T0 + 5 * MINUTE) };
    assert.deepEqual(await seqsOf(store.searchTrail(window, 0, 10)), [4, 3, 2], "from in, to out");
    assert.deepEqual(
      await seqsOf(store.searchTrail({ ...window, actorUserId: "u-b", recordingId: "r-2" }, 0, 9)),
      [4],
      "every filter at once",
    );
    assert.deepEqual(await store.searchTrail({ actorUserId: "u-nobody" }, 0, 10), []);
    assert.deepEqual(await store.searchTrail({}, 0, 0), []);
    assert.deepEqual(await store.searchTrail({}, 6, 10), []);
    const [newest] = await store.searchTrail({ recordingId: "r-2" }, 0, 1);
    assert.deepEqual(newest, (await store.listTrail(6, 1))[0], "whole entries");
  },
};

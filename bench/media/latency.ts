/**
 * Hangup to playable: the real recordings service, handed the captured bridge call's RECORD_STOP
 * (the moment the clock starts), against a real web process, until the owner's
 * `GET /api/recordings/:id/media` answers with Ogg audio (polled every 10 ms, or, for a burst,
 * the owner's list every 20 ms with each recording then played once to confirm).
 */
import { jobIdFor, recordingEventId } from "../../agent/src/recordings/job.ts";
import { callRecordStop } from "../../agent/src/recordings/testing/esl.ts";
import {
  buildService,
  type ServiceSetup,
  type ServiceUnderTest,
} from "../../agent/src/recordings/testing/service.ts";
import type { TestSpool } from "../../agent/src/recordings/testing/spool.ts";
import type { KillableWeb, WebPerson } from "../../agent/src/testing/web.ts";

/** The service's production tuning (tests shorten the retry delays; a bench must not). */
const PRODUCTION = {
  retryBaseMs: 1000,
  retryMaxMs: 300_000,
  deliveryTimeoutMs: 120_000,
  settleMs: 2000,
};

/** A latency run's result, in milliseconds. */
export interface LatencyRun {
  label: string;
  samples: number[];
  /** Wall time of the whole run (burst throughput). */
  totalMs: number;
}

let sequence = 0;

/** Does the owner get Ogg audio for `id` now? A one-range request: cheap to poll. */
async function playable(web: KillableWeb, user: WebPerson, id: string): Promise<boolean> {
  let response = await fetch(`${web.url}/api/recordings/${id}/media`, {
    headers: { cookie: user.cookie, range: "bytes=0-3" },
    redirect: "manual",
  });
  if (response.status === 302) {
    const location = response.headers.get("location")!;
    await response.body?.cancel();
    response = await fetch(location, { headers: { range: "bytes=0-3" } });
  }
  const head = new Uint8Array(await response.arrayBuffer());
  return response.ok && new TextDecoder().decode(head.subarray(0, 4)) === "OggS";
}

/** One recording event for `wav` (copied into the spool), owned by `owner`. */
function handIn(spool: TestSpool, wav: string, owner: WebPerson, other: WebPerson) {
  const name = `bench-${process.pid}-${++sequence}.wav`;
  const path = spool.add(wav, name);
  const event = callRecordStop(path, owner.care4wId, owner.care4wId, other.care4wId);
  return { event, id: recordingEventId(jobIdFor(name), owner.care4wId) };
}

/** What a run is given: the service's setup, the spool and web it uses, the WAV each call leaves. */
export type LatencySetup = ServiceSetup & { spool: TestSpool; web: KillableWeb; wav: string };

/** A latency run: `count` recordings of `owner`'s calls with `other`. */
export type Latency = (
  label: string,
  setup: LatencySetup,
  owner: WebPerson,
  other: WebPerson,
  count: number,
) => Promise<LatencyRun>;

/** The service started with the production tuning, handed to `measure`, then stopped. */
async function withService<T>(
  setup: LatencySetup,
  measure: (t: ServiceUnderTest) => Promise<T>,
): Promise<T> {
  const t = buildService({ ...setup, options: { ...PRODUCTION, ...setup.options } });
  await t.service.start();
  try {
    return await measure(t);
  } finally {
    await t.stop();
  }
}

/** `count` recordings one after another, each timed from its RECORD_STOP to playable. */
export const sequential: Latency = async (label, setup, owner, other, count) => {
  const samples: number[] = [];
  let started = 0;
  await withService(setup, async (t) => {
    started = performance.now();
    for (let n = 0; n < count; n++) {
      const { event, id } = handIn(setup.spool, setup.wav, owner, other);
      const t0 = performance.now();
      t.esl.emit(event);
      while (!(await playable(setup.web, owner, id))) await Bun.sleep(10);
      samples.push(performance.now() - t0);
      await t.service.idle(); // the WAV removed before the next call ends
    }
  });
  return { label, samples, totalMs: performance.now() - started };
};

/** `count` recordings ending at the same moment, each timed until it shows active, then played. */
export const burst: Latency = async (label, setup, owner, other, count) => {
  const samples = await withService(setup, async (t) => {
    const handed = Array.from(
      { length: count },
      () => handIn(setup.spool, setup.wav, owner, other),
    );
    const seenAt = new Map<string, number>();
    const t0 = performance.now();
    for (const { event } of handed) t.esl.emit(event);
    while (seenAt.size < count) {
      const response = await fetch(
        `${setup.web.url}/api/recordings?limit=100&status=active`,
        { headers: { cookie: owner.cookie } },
      );
      const { recordings } = await response.json() as { recordings: { id: string }[] };
      const now = performance.now();
      for (const { id } of recordings) if (!seenAt.has(id)) seenAt.set(id, now - t0);
      if (seenAt.size < count) await Bun.sleep(20);
    }
    for (const { id } of handed) {
      if (!(await playable(setup.web, owner, id))) throw new Error(`${id} is active, not playable`);
    }
    await t.service.idle();
    return handed.map(({ id }) => seenAt.get(id)!);
  });
  return { label, samples, totalMs: Math.max(...samples) };
};

/**
 * The outbox benchmark's runs: N CDR events from first append to last confirmation, through the
 * outbox (optionally with web SIGKILLed and restarted mid-burst), or POSTed straight to web.
 */
import type { Redis } from "ioredis";
import { eventually, sleep } from "../../testing/eventually.ts";
import { signRequest } from "../../shared/signing.ts";
import { Registry } from "../../agent/src/metrics/registry.ts";
import { createOutboxMetrics } from "../../agent/src/outbox/metrics.ts";
import { createOutbox } from "../../agent/src/outbox/outbox.ts";
import { cdrEvent, eventIds } from "../../agent/src/outbox/testing/events.ts";
import type { WebProcess } from "../../agent/src/outbox/testing/web-process.ts";

/** Where events go. */
export interface Target {
  url: string;
  secret: string;
}

/** What a run measured. */
export interface RunResult {
  seconds: number;
  perSecond: number;
  /** Web down, from its SIGKILL until it listened again (kill runs). */
  downSeconds?: number;
  /** Batches that failed while web was away. */
  failures?: number;
  /** Events web answered `duplicate` (redeliveries of answers lost with the killed web). */
  duplicates?: number;
  ids: string[];
}

/** Options of a run. */
export interface RunOptions {
  events: number;
  batchSize: number;
  lanes: number;
  users: [string, string];
}

/** N events through the outbox into `target`; with `kill`, web is SIGKILLed at 40% and restarted. */
export async function throughOutbox(
  redis: Redis,
  target: Target,
  prefix: string,
  o: RunOptions,
  kill?: WebProcess,
): Promise<RunResult> {
  const metrics = createOutboxMetrics(new Registry());
  const outbox = createOutbox({
    redis,
    webUrl: target.url,
    secret: target.secret,
    batchSize: o.batchSize,
    concurrency: o.lanes,
    metrics,
    warn: () => {},
    prefix,
    consumer: "bench",
    backoff: { baseMs: 50, maxMs: 1000 },
  });
  const ids = eventIds(prefix, o.events);
  await outbox.deliverer.start();
  const started = performance.now();
  // Producers append as calls end: many at once, each resolving once stored.
  const appending = (async () => {
    for (let i = 0; i < ids.length; i += 200) {
      await Promise.all(
        ids.slice(i, i + 200).map((id) => outbox.sink.append(cdrEvent(id, ...o.users))),
      );
    }
  })();
  let downSeconds: number | undefined;
  if (kill) {
    const confirmed = async () =>
      (await metrics.delivered.value({ result: "new" })) +
      (await metrics.delivered.value({ result: "duplicate" }));
    await eventually("40% delivered", async () => (await confirmed()) >= o.events * 0.4, {
      intervalMs: 5,
      timeoutMs: 120_000,
    });
    const down = performance.now();
    await kill.kill();
    await sleep(500); // web stays away a moment, as a crashed process does before its restart
    await kill.restart();
    downSeconds = (performance.now() - down) / 1000;
  }
  await appending;
  await eventually("outbox drained", async () => {
    const pending = await redis.xpending(outbox.keys.stream, outbox.keys.group) as [number];
    return (await redis.xlen(outbox.keys.stream)) === 0 && pending[0] === 0;
  }, { intervalMs: 10, timeoutMs: 300_000 });
  const seconds = (performance.now() - started) / 1000;
  await outbox.deliverer.stop();
  let failures = 0;
  for (const reason of ["unreachable", "status", "answer"]) {
    failures += await metrics.deliveryFailures.value({ reason });
  }
  return {
    seconds,
    perSecond: o.events / seconds,
    downSeconds,
    failures,
    duplicates: await metrics.delivered.value({ result: "duplicate" }),
    ids,
  };
}

/** N events POSTed signed straight to web, `lanes` batches in flight: no outbox, no Redis. */
export async function directPosts(target: Target, prefix: string, o: RunOptions) {
  const ids = eventIds(prefix, o.events);
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: o.lanes }, async () => {
    while (next < ids.length) {
      const batch = ids.slice(next, next += o.batchSize);
      const body = JSON.stringify({ events: batch.map((id) => cdrEvent(id, ...o.users)) });
      const response = await fetch(`${target.url}/internal/events`, {
        method: "POST",
        headers: {
          ...signRequest({ secret: target.secret, method: "POST", path: "/internal/events", body }),
          "content-type": "application/json",
        },
        body,
      });
      const { results } = await response.json() as { results: { ok: boolean }[] };
      if (response.status !== 200 || results.some((r) => !r.ok)) {
        throw new Error(`web refused a direct batch (${response.status})`);
      }
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  return { seconds, perSecond: o.events / seconds, ids };
}

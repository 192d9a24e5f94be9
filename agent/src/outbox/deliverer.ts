/**
 * The deliverer: an agent service that moves the outbox to web. Each of its lanes loops: take a
 * batch (see `source.ts`), POST it signed, settle it by web's answers (`batch.ts`); when the
 * batch fails as a whole it keeps the batch and retries it after an exponential, fully jittered,
 * capped delay. Nothing is acknowledged before web confirmed it, so a kill at any point leaves the
 * entry pending for the next run (at least once; web dedups by event id). Lanes overlap one
 * batch's Redis work with another's POST.
 */
import type { AgentService } from "../agent.ts";
import type { WarnLogger } from "../log.ts";
import { backoffDelay, type BackoffPolicy, DEFAULT_BACKOFF } from "./backoff.ts";
import { type BatchDeps, deliverBatch } from "./batch.ts";
import { isNoGroup } from "./keys.ts";
import type { Entry, EntrySource } from "./source.ts";
import { DeliveryError } from "./web-delivery.ts";

/** What a deliverer runs on. */
export interface DelivererOptions extends BatchDeps {
  source: EntrySource;
  /** Entries held by lanes now (shared with the source, which never claims them from us). */
  inFlight: Set<string>;
  /** Parallel batches in flight. */
  concurrency: number;
  backoff?: BackoffPolicy;
  /** Idle wait between looks for new entries when no append of this process woke it. */
  pollMs?: number;
  /** How long `stop()` lets an in-flight POST finish before aborting it (it stays pending). */
  stopGraceMs?: number;
  /** Samples the gauges (depth, oldest age); run every `sampleMs`. */
  sample?: () => Promise<void>;
  sampleMs?: number;
  random?: () => number;
  warn: WarnLogger;
}

/** The running service; `wake()` cuts an idle wait short (an append happened). */
export interface Deliverer extends AgentService {
  wake(): void;
}

/** Creates the deliverer; nothing runs before `start()`. */
export function createDeliverer(o: DelivererOptions): Deliverer {
  const pollMs = o.pollMs ?? 250;
  let running = false;
  let lanes: Promise<void>[] = [];
  let abort = new AbortController();
  let sampler: ReturnType<typeof setInterval> | null = null;
  const sleepers = new Set<{ wakeOnAppend: boolean; done: () => void }>();
  let down: string | null = null;

  /** Waits `ms`; stop() always cuts it short, an append only when `wakeOnAppend`. */
  function pause(ms: number, wakeOnAppend: boolean): Promise<void> {
    if (!running) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = {
        wakeOnAppend,
        done: () => {
          clearTimeout(timer);
          sleepers.delete(sleeper);
          resolve();
        },
      };
      const timer = setTimeout(sleeper.done, ms);
      sleepers.add(sleeper);
    });
  }

  function failed(error: unknown): void {
    const reason = error instanceof DeliveryError ? error.reason : "redis";
    o.metrics.deliveryFailures.inc({ reason });
    // One line per outage, not per retry.
    if (down === null) {
      // Redis errors by name only: a message could carry the URL, and the URL a password.
      const why = error instanceof DeliveryError
        ? error.message
        : `redis ${(error as Error)?.name ?? "error"}`;
      o.warn(`careflow-agent: warning: event delivery failed (${why}); retrying with backoff`);
    }
    down = reason;
  }

  async function lane(): Promise<void> {
    let held: Entry[] = [];
    let failures = 0;
    const hold = (entries: Entry[]) => entries.forEach((e) => o.inFlight.add(e.entryId));
    const release = (entries: Entry[]) => {
      const ids = new Set(entries.map((e) => e.entryId));
      for (const id of ids) o.inFlight.delete(id);
      held = held.filter((e) => !ids.has(e.entryId));
    };
    while (running) {
      try {
        if (held.length === 0) {
          held = await o.source.next();
          hold(held);
        }
        if (held.length === 0) {
          await pause(pollMs, true);
          continue;
        }
        const retry = await deliverBatch(o, held, release, abort.signal);
        if (down !== null) o.warn("careflow-agent: event delivery restored");
        down = null;
        held = retry;
        failures = retry.length ? failures + 1 : 0;
        if (retry.length) o.metrics.deliveryFailures.inc({ reason: "transient" });
      } catch (error) {
        if (!running) break;
        failures++;
        failed(error);
        // The stream was flushed: what we held is gone, and the group must be made again.
        if (isNoGroup(error)) {
          o.source.reset();
          release(held);
        }
      }
      if (failures > 0) {
        await pause(backoffDelay(failures, o.backoff ?? DEFAULT_BACKOFF, o.random), false);
      }
    }
    // Whatever is still held stays pending in Redis: the next run (or another agent) takes it.
    release(held);
  }

  return {
    name: "event outbox deliverer",
    start() {
      if (running) return Promise.resolve();
      running = true;
      abort = new AbortController();
      // What an earlier run (this process's or a crashed one's) held is taken back first.
      o.source.reset();
      lanes = Array.from({ length: Math.max(1, o.concurrency) }, () => lane());
      if (o.sample) {
        const sample = o.sample;
        void sample().catch(() => {});
        sampler = setInterval(() => void sample().catch(() => {}), o.sampleMs ?? 1000);
      }
      // Nothing awaited: a Redis or web that is down at start-up is the lanes' business.
      return Promise.resolve();
    },
    async stop() {
      if (!running) return;
      running = false;
      if (sampler) clearInterval(sampler);
      sampler = null;
      for (const sleeper of [...sleepers]) sleeper.done();
      const grace = setTimeout(() => abort.abort(), o.stopGraceMs ?? 2000);
      await Promise.all(lanes);
      clearTimeout(grace);
      lanes = [];
    },
    wake() {
      for (const sleeper of [...sleepers]) if (sleeper.wakeOnAppend) sleeper.done();
    },
  };
}

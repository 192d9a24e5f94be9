/**
 * The durable event outbox, assembled: the sink producers append to, and the deliverer service
 * that moves events to web's `POST /internal/events`. See `keys.ts` for the Redis layout.
 */
import type { Redis } from "ioredis";
import type { WarnLogger } from "../log.ts";
import type { BackoffPolicy } from "./backoff.ts";
import { createDeliverer, type Deliverer } from "./deliverer.ts";
import { defaultConsumerName, entryTimeMs, type OutboxKeys, outboxKeys } from "./keys.ts";
import type { OutboxMetrics } from "./metrics.ts";
import { createRedisEventSink, type RedisEventSink } from "./redis-sink.ts";
import { createSettler } from "./settle.ts";
import { createEntrySource } from "./source.ts";
import { createWebDelivery, type PostBatch } from "./web-delivery.ts";

/** How to build the outbox. Only the first five are needed; the rest are tuning and tests. */
export interface OutboxOptions {
  redis: Redis;
  /** Web's base URL; null: events are kept (durably) until an agent with a web delivers them. */
  webUrl: string | null;
  /** The HMAC secret shared with web (`INTERNAL_API_SECRET`). */
  secret: string;
  /** Events per POST (`EVENT_BATCH_SIZE`). */
  batchSize: number;
  metrics: OutboxMetrics;
  warn?: WarnLogger;
  /** Key prefix (default `outbox`). */
  prefix?: string;
  /** This deliverer's consumer name (default: from the host name, stable across restarts). */
  consumer?: string;
  /** Batches in flight at once (default 2). */
  concurrency?: number;
  /** Pending entries idle this long are claimed from a dead consumer, or retried (default 30 s). */
  claimIdleMs?: number;
  /** Refusals by web before an event is dead-lettered (default 3). */
  maxRefusals?: number;
  /** Lifetime of the `done:<eventId>` confirmations `delivered()` reads (default 1 day). */
  doneTtlSeconds?: number;
  /** Approximate cap of the dead-letter stream (default 100,000). */
  deadLetterMaxLen?: number;
  backoff?: BackoffPolicy;
  /** Idle poll for entries appended by other processes (default 250 ms). */
  pollMs?: number;
  /** Per-POST timeout (default 15 s). */
  requestTimeoutMs?: number;
  /** Replaces the signed HTTP POST (tests). */
  post?: PostBatch;
  random?: () => number;
}

/** The two faces of the outbox. */
export interface Outbox {
  /** For producers (CDR builder, recordings, presence). */
  sink: RedisEventSink;
  /** The background service (add it to the agent's services). */
  deliverer: Deliverer;
  keys: OutboxKeys;
  /** Reads the gauges now (the deliverer also does every second). */
  sample(): Promise<void>;
}

// Web refuses request bodies over 1 MiB; half of it leaves room for any envelope.
const MAX_BODY_BYTES = 512 * 1024;

/** Builds the outbox; nothing touches Redis before an append or the deliverer's start. */
export function createOutbox(o: OutboxOptions): Outbox {
  const warn = o.warn ?? console.warn;
  const keys = outboxKeys(o.prefix);
  const inFlight = new Set<string>();
  let deliverer: Deliverer | null = null;
  const sink = createRedisEventSink({
    redis: o.redis,
    keys,
    metrics: o.metrics,
    onAppend: () => deliverer?.wake(),
  });

  async function sample(): Promise<void> {
    const replies = await o.redis.multi()
      .xlen(keys.stream)
      .xrange(keys.stream, "-", "+", "COUNT", 1)
      .xlen(keys.deadLetters)
      .time()
      .exec();
    if (!replies || replies.some(([error]) => error)) return;
    const [depth, first, dead, time] = replies.map(([, value]) => value) as [
      number,
      [string, string[]][],
      number,
      [string, string],
    ];
    // Redis's clock, not ours: the entry ids were stamped by it.
    const redisNowMs = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    o.metrics.depth.set(depth);
    o.metrics.oldestAge.set(
      first.length ? Math.max(0, redisNowMs - entryTimeMs(first[0][0])) / 1000 : 0,
    );
    o.metrics.deadLetterDepth.set(dead);
  }

  const post = o.post ??
    (o.webUrl
      ? createWebDelivery({ webUrl: o.webUrl, secret: o.secret, timeoutMs: o.requestTimeoutMs })
      : null);
  const batchSize = Math.max(1, Math.min(o.batchSize, 500));
  const common = {
    metrics: o.metrics,
    warn,
    settled: sink.settled,
    settler: createSettler({
      redis: o.redis,
      keys,
      doneTtlSeconds: o.doneTtlSeconds ?? 86_400,
      deadLetterMaxLen: o.deadLetterMaxLen ?? 100_000,
    }),
    maxRefusals: o.maxRefusals ?? 3,
    maxBodyBytes: MAX_BODY_BYTES,
  };
  deliverer = post
    ? createDeliverer({
      ...common,
      post,
      source: createEntrySource({
        redis: o.redis,
        keys,
        consumer: o.consumer ?? defaultConsumerName(),
        batchSize,
        claimIdleMs: o.claimIdleMs ?? 30_000,
        metrics: o.metrics,
        inFlight,
      }),
      inFlight,
      concurrency: o.concurrency ?? 2,
      backoff: o.backoff,
      pollMs: o.pollMs,
      sample,
      random: o.random,
    })
    : idleDeliverer(warn, sample);
  return { sink, deliverer, keys, sample };
}

/** Without a web URL: keep events (durably), report the backlog, deliver nothing. */
function idleDeliverer(warn: WarnLogger, sample: () => Promise<void>): Deliverer {
  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    name: "event outbox deliverer (no WEB_URL)",
    start() {
      warn("careflow-agent: warning: WEB_URL is unset; events stay in the outbox undelivered");
      timer = setInterval(() => void sample().catch(() => {}), 1000);
      return Promise.resolve();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      return Promise.resolve();
    },
    wake() {},
  };
}

/**
 * Kamailio's call records (pbx/kamailio/records.cfg) into the outbox: read from their Redis stream
 * in one consumer group shared by every agent, each turned into a `cdr` event and appended, and only
 * then acknowledged and deleted, so the stream's length is the backlog. An agent that dies holding
 * records takes them back when it restarts, or another agent claims them once they idled; a
 * record appended twice that way is still one call in web (the event id is the dialog's).
 */
import type { Redis } from "ioredis";
import type { AgentService } from "../agent.ts";
import type { WarnLogger } from "../log.ts";
import type { Counter, Registry } from "../metrics/registry.ts";
import { isNoGroup } from "../outbox/keys.ts";
import type { EventSink } from "../outbox/sink.ts";
import { createEntrySource, type Entry } from "../outbox/source.ts";
import { cdrOfKamailioRecord } from "./record.ts";

/** The stream records.cfg writes to (CALL_RECORDS_STREAM) and the agents' group on it. */
export const CALL_RECORDS_KEYS = { stream: "kamailio:calls", group: "agents" } as const;

/** The consumer's series on the agent's `/metrics`. */
export interface SipCallMetrics {
  /** Records taken, by `result`: appended, malformed, invalid. */
  records: Counter;
  /** Records taken back from a consumer that died holding them. */
  reclaimed: Counter;
}

/** Registers the consumer's series in `registry`. */
export function createSipCallMetrics(registry: Registry): SipCallMetrics {
  const metrics = {
    records: registry.counter(
      "careflow_agent_sip_call_records_total",
      "Kamailio's call records taken from its stream, by result (appended, malformed, invalid).",
      ["result"],
    ),
    reclaimed: registry.counter(
      "careflow_agent_sip_call_records_reclaimed_total",
      "Kamailio's call records taken back from an agent that died holding them.",
    ),
  };
  for (const result of ["appended", "malformed", "invalid"]) metrics.records.declare({ result });
  metrics.reclaimed.declare();
  return metrics;
}

/** What the consumer needs. */
export interface SipCallConsumerOptions {
  /** A connection of its own is not needed: reads do not block. */
  redis: Redis;
  sink: Pick<EventSink, "append">;
  metrics: SipCallMetrics;
  warn: WarnLogger;
  /** This agent's name in the group (stable across restarts: the outbox's consumer name). */
  consumer: string;
  keys?: { stream: string; group: string };
  /** How often an empty stream is read again (default 200 ms). */
  pollMs?: number;
  /** Records idle this long in another consumer's pending list are claimed (default 60 s). */
  claimIdleMs?: number;
}

/** The consumer as an agent service. */
export interface SipCallConsumer extends AgentService {
  /** Resolves once the stream has no record this consumer could take (tests). */
  drained(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the consumer; it reads nothing before `start()`. */
export function createSipCallConsumer(o: SipCallConsumerOptions): SipCallConsumer {
  const keys = o.keys ?? CALL_RECORDS_KEYS;
  const pollMs = o.pollMs ?? 200;
  const source = createEntrySource({
    redis: o.redis,
    keys,
    field: "record",
    consumer: o.consumer,
    batchSize: 100,
    claimIdleMs: o.claimIdleMs ?? 60_000,
    metrics: o.metrics,
    inFlight: new Set(),
  });
  let running = false;
  let loop: Promise<void> = Promise.resolve();
  let idleWaiters: Array<() => void> = [];
  let failures = 0;

  async function take(entry: Entry): Promise<void> {
    const outcome = cdrOfKamailioRecord(entry.json);
    if ("event" in outcome) {
      await o.sink.append(outcome.event);
      o.metrics.records.inc({ result: "appended" });
    } else {
      o.metrics.records.inc({ result: outcome.problem });
      o.warn(`careflow-agent: warning: call record ${entry.entryId} dropped (${outcome.problem})`);
    }
    await o.redis.multi().xack(keys.stream, keys.group, entry.entryId)
      .xdel(keys.stream, entry.entryId).exec();
  }

  async function run(): Promise<void> {
    while (running) {
      try {
        const entries = await source.next();
        if (entries.length === 0) {
          for (const resolve of idleWaiters) resolve();
          idleWaiters = [];
          await sleep(pollMs);
          continue;
        }
        for (const entry of entries) await take(entry);
        failures = 0;
      } catch (error) {
        // Redis away, or the outbox refused: the records stay pending and are read again.
        if (isNoGroup(error) || failures === 0) {
          o.warn(`careflow-agent: warning: call records: ${(error as Error)?.message ?? error}`);
        }
        source.reset();
        failures++;
        await sleep(Math.min(pollMs * 2 ** failures, 10_000));
      }
    }
  }

  return {
    name: "sip call records",
    start() {
      running = true;
      loop = run();
      return Promise.resolve();
    },
    async stop() {
      running = false;
      await loop;
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    },
    drained: () => new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}

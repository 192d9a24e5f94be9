/** Test helper: an outbox with a fresh metric set, fast retries and captured warnings. */
import type { Redis } from "ioredis";
import { Registry } from "../../metrics/registry.ts";
import { createOutboxMetrics, type OutboxMetrics } from "../metrics.ts";
import { createOutbox, type Outbox, type OutboxOptions } from "../outbox.ts";

/** Secret of the test receiver and deliverers. */
export const OUTBOX_TEST_SECRET = "outbox-test-secret-0123456789";

/** An outbox under test, with what it reported. */
export type TestOutbox = Outbox & {
  metrics: OutboxMetrics;
  registry: Registry;
  warnings: string[];
};

/** Builds an outbox on `redis` delivering to `webUrl`; `options` override the fast defaults. */
export function testOutbox(
  redis: Redis,
  webUrl: string | null,
  options: Partial<OutboxOptions> = {},
): TestOutbox {
  const registry = new Registry();
  const metrics = createOutboxMetrics(registry);
  const warnings: string[] = [];
  const outbox = createOutbox({
    redis,
    webUrl,
    secret: OUTBOX_TEST_SECRET,
    batchSize: 100,
    metrics,
    warn: (line) => warnings.push(line),
    prefix: `t${Math.random().toString(36).slice(2, 8)}`,
    consumer: "test-consumer",
    backoff: { baseMs: 20, maxMs: 200 },
    claimIdleMs: 300,
    pollMs: 50,
    ...options,
  });
  return Object.assign(outbox, { metrics, registry, warnings });
}

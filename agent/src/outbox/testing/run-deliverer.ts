/**
 * The agent's event path alone as a process, for the kill tests and the benchmark: the agent's
 * own Redis client (`redis/client.ts`, fail-fast as in production) and `createOutbox`, configured
 * from the environment. With `BURST_PREFIX` it is also the producer, as the agent is: it appends
 * a burst of CDRs (ids `BURST_PREFIX-000000`…) from `BURST_FROM` at `BURST_RATE` per second while
 * delivering them, printing `appended-through N` (every id before N is stored) as it goes and
 * `burst appended` at the end. SIGKILL it to crash it mid-burst holding entries; SIGTERM stops it
 * cleanly.
 *
 *   REDIS_URL=… WEB_URL=… INTERNAL_API_SECRET=… [OUTBOX_PREFIX=outbox] [OUTBOX_CONSUMER=…]
 *   [OUTBOX_CLAIM_IDLE_MS=30000] [EVENT_BATCH_SIZE=100] [OUTBOX_CONCURRENCY=2]
 *   [BURST_PREFIX=… BURST_COUNT=10000 BURST_FROM=0 BURST_RATE=5000 BURST_USERS=a,b]
 *   bun run agent/src/outbox/testing/run-deliverer.ts
 *
 * Prints `deliverer started` once running.
 */
import { Registry } from "../../metrics/registry.ts";
import { createRedisClient } from "../../redis/client.ts";
import { createOutboxMetrics } from "../metrics.ts";
import { createOutbox } from "../outbox.ts";
import { burst } from "./burst.ts";
import { eventIds } from "./events.ts";

const env = process.env;
const required = (name: string) => {
  const value = env[name];
  if (!value) {
    console.error(`run-deliverer: ${name} is required`);
    process.exit(2);
  }
  return value;
};
const number = (name: string) => (env[name] ? Number(env[name]) : undefined);

const warn = (line: string) => console.error(line);
const redis = createRedisClient(required("REDIS_URL"), warn);
await redis.connect().catch(() => warn("run-deliverer: redis not reachable yet; retrying"));
const outbox = createOutbox({
  redis,
  webUrl: required("WEB_URL"),
  secret: required("INTERNAL_API_SECRET"),
  batchSize: number("EVENT_BATCH_SIZE") ?? 100,
  metrics: createOutboxMetrics(new Registry()),
  warn,
  prefix: env.OUTBOX_PREFIX || undefined,
  consumer: env.OUTBOX_CONSUMER || undefined,
  claimIdleMs: number("OUTBOX_CLAIM_IDLE_MS"),
  concurrency: number("OUTBOX_CONCURRENCY"),
  // Quick retries: the tests restart web within a second or two.
  backoff: { baseMs: 50, maxMs: 1000 },
});
await outbox.deliverer.start();
console.log("deliverer started");

process.on("SIGTERM", async () => {
  await outbox.deliverer.stop();
  redis.disconnect();
  process.exit(0);
});

if (env.BURST_PREFIX) {
  const from = number("BURST_FROM") ?? 0;
  const ids = eventIds(env.BURST_PREFIX, number("BURST_COUNT") ?? 10_000).slice(from);
  const users = (env.BURST_USERS ?? "").split(",").filter(Boolean);
  let reported = -1;
  const producing = burst(outbox.sink, ids, number("BURST_RATE") ?? 5000, users, (through) => {
    if (through === reported) return;
    reported = through;
    console.log(`appended-through ${from + through}`);
  });
  await producing.done;
  if (producing.rejected.length > 0) {
    console.error(`run-deliverer: ${producing.rejected.length} appends refused`);
  }
  console.log("burst appended");
}

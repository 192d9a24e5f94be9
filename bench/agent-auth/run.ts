/**
 * `/kamailio/auth` latency under concurrent load, on loopback, bounded in count and time.
 *
 *   bun run bench/agent-auth/run.ts [--concurrency 8] [--requests 20000] [--seconds 10]
 *
 * Starts its own redis-server and the agent as a real process (`bun run agent/src/main.ts`), each
 * on a free loopback port (the shared `testing/` kits), seeds subscribers, warms up, then has
 * `concurrency` keep-alive clients send lookups (3 of 4 long-lived, 1 of 4 ephemeral usernames)
 * until either bound is hit. Prints client-side p50/p90/p99/max and throughput, and the agent's own histogram.
 * Everything it starts is ended by PID. Client and server share the machine's cores, so the
 * client-side figures are an upper bound on what Kamailio's http_client would see.
 */
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { digestHa1, ephemeralSipCredentials } from "../../shared/sip-credentials.ts";
import { startAgent } from "../../testing/agent.ts";
import { startRedis } from "../../testing/redis.ts";

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "8" },
    requests: { type: "string", default: "20000" },
    seconds: { type: "string", default: "10" },
  },
});
const concurrency = Math.min(Math.max(Number(values.concurrency), 1), 64);
const maxRequests = Math.min(Math.max(Number(values.requests), 100), 200_000);
const maxSeconds = Math.min(Math.max(Number(values.seconds), 1), 60);

const REALM = "careflow.bench";
const SIP_SECRET = "bench-sip-secret-0123456789";
const USERS = 1000;

/** Cumulative bucket counts of the agent's auth latency histogram, by `le`. */
async function histogram(base: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const counts = new Map<string, number>();
  for (
    const match of text.matchAll(
      /^careflow_agent_auth_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm,
    )
  ) {
    counts.set(match[1], Number(match[2]));
  }
  return counts;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const redis = await startRedis();
const seeder = new Redis(redis.url, { maxRetriesPerRequest: 1 });
const agent = await startAgent({
  redisUrl: redis.url,
  sipDomain: REALM,
  sipCredentialSecret: SIP_SECRET,
  internalApiSecret: "bench-api-secret-0123456789",
}).catch(async (error) => {
  seeder.disconnect();
  await redis.stop();
  throw error;
});
const base = agent.url;

try {
  const pipeline = seeder.pipeline();
  const ids: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const id = `care4w-${1_000_001 + i}`;
    ids.push(id);
    pipeline.hset(`sub:${id}`, "ha1", digestHa1(id, REALM, `pw${i}`), "active", "1");
  }
  await pipeline.exec();

  const now = Math.floor(Date.now() / 1000);
  const urls = ids.map((id, i) => {
    const user = i % 4 === 3 ? ephemeralSipCredentials(SIP_SECRET, id, 3600, now).username : id;
    return `${base}/kamailio/auth?user=${encodeURIComponent(user)}&realm=${REALM}`;
  });

  // Warm-up: JIT, connection pool, Redis.
  for (let i = 0; i < 2000; i++) await (await fetch(urls[i % urls.length])).arrayBuffer();

  const before = await histogram(base);
  const latencies = new Float64Array(maxRequests);
  let issued = 0;
  let failures = 0;
  const deadline = performance.now() + maxSeconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < maxRequests && performance.now() < deadline) {
        const index = issued++;
        const t0 = performance.now();
        const response = await fetch(urls[index % urls.length]);
        await response.arrayBuffer();
        latencies[index] = performance.now() - t0;
        if (response.status !== 200) failures++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const sorted = latencies.slice(0, issued).sort();
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  console.log(
    `agent /kamailio/auth: ${issued} requests, concurrency ${concurrency}, ${
      (issued / elapsed).toFixed(0)
    } req/s, ${failures} non-200`,
  );
  console.log(
    `client-side latency: p50 ${ms(percentile(sorted, 50))}  p90 ${ms(percentile(sorted, 90))}  ` +
      `p99 ${ms(percentile(sorted, 99))}  max ${ms(sorted[sorted.length - 1])}`,
  );
  const after = await histogram(base);
  const total = after.get("+Inf")! - before.get("+Inf")!;
  const within = (le: string) =>
    `${((100 * (after.get(le)! - before.get(le)!)) / total).toFixed(2)}% <= ${
      Number(le) * 1000
    } ms`;
  console.log(
    `server-side (agent's own histogram, measured phase): ${within("0.0005")}, ${
      within("0.001")
    }, ${within("0.002")}`,
  );
  if (failures > 0) process.exitCode = 1;
} catch (error) {
  console.error(`agent output:\n${agent.output()}`);
  throw error;
} finally {
  await agent.stop();
  seeder.disconnect();
  await redis.stop();
}

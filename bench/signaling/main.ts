/**
 * Signaling benchmark: N caller/callee pairs of WebSocket clients run invite → accept → hangup
 * cycles for a while; prints calls/s and p50/p99 relay latency (send on one tab → arrival on the
 * other) for each hub.
 *
 *   deno run -A bench/signaling/main.ts [--pairs 50] [--seconds 5] [--hub both|memory|redis]
 *   deno run -A bench/signaling/main.ts --url ws://127.0.0.1:8000/api/signal --cookies FILE
 *
 * Without --url it starts real CareFlow web instances on 127.0.0.1 (the app, sessions, the
 * /api/signal route, call records in SQLite) and signs up one user per tab: the memory hub (one
 * instance) and the Redis hub (a redis-server it starts and stops, two instances, callers on one
 * and callees on the other, so every call crosses instances). Both run back to back in one go. With --url it drives a running CareFlow server: FILE
 * holds one session cookie per line (`name=value`), lines 2k and 2k+1 being caller and callee of
 * pair k; the server's per-user attempt limit (100/min) then caps each pair at ~1.6 calls/s.
 */
import { createMemoryHub } from "../../web/signal/memory-hub.ts";
import { createRedisHub } from "../../web/signal/redis-hub.ts";
import { startRedis } from "../../testing/redis.ts";
import { type BenchTab, callCycle, openBenchTab, percentile } from "./client.ts";
import { startBenchCluster } from "./server.ts";

function option(name: string, fallback: string): string {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 && Deno.args[at + 1] ? Deno.args[at + 1] : fallback;
}

const pairs = Number(option("pairs", "50"));
const seconds = Number(option("seconds", "5"));

/** Runs cycles on every pair until the time is up; returns one summary line. */
async function run(label: string, tabs: [BenchTab, BenchTab][]): Promise<string> {
  const latencies: number[] = [];
  let calls = 0;
  let errors = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(tabs.map(async ([caller, callee]) => {
    while (performance.now() < deadline) {
      try {
        await callCycle(caller, callee, latencies);
        calls++;
      } catch {
        errors++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  const ms = (v: number) => v.toFixed(2);
  return `${label}: ${tabs.length} pairs, ${calls} calls in ${elapsed.toFixed(1)} s = ` +
    `${(calls / elapsed).toFixed(0)} calls/s, relay p50 ${ms(percentile(latencies, 50))} ms ` +
    `p99 ${ms(percentile(latencies, 99))} ms, ${errors} failed cycles`;
}

async function openPairs(callerUrl: string, calleeUrl: string, cookies: string[]) {
  const tabs: [BenchTab, BenchTab][] = [];
  for (let k = 0; k < pairs; k++) {
    tabs.push(
      await Promise.all([
        openBenchTab(callerUrl, { cookie: cookies[2 * k] }),
        openBenchTab(calleeUrl, { cookie: cookies[2 * k + 1] }),
      ]),
    );
  }
  return tabs;
}

const closeAll = (tabs: [BenchTab, BenchTab][]) => Promise.all(tabs.flat().map((t) => t.close()));

async function benchMemory() {
  const hub = createMemoryHub();
  const cluster = await startBenchCluster([hub], pairs * 2);
  const [url] = cluster.urls;
  const tabs = await openPairs(url, url, cluster.cookies);
  console.log(await run("memory hub, 1 instance", tabs));
  await closeAll(tabs);
  await cluster.close();
  await hub.close();
}

async function benchRedis() {
  const redis = await startRedis();
  try {
    const hubs = await Promise.all([0, 1].map(() => createRedisHub({ url: redis.url })));
    const cluster = await startBenchCluster(hubs, pairs * 2);
    const [a, b] = cluster.urls;
    const tabs = await openPairs(a, b, cluster.cookies);
    console.log(await run("redis hub, 2 instances", tabs));
    await closeAll(tabs);
    await cluster.close();
    await Promise.all(hubs.map((hub) => hub.close()));
  } finally {
    await redis.stop();
  }
}

async function benchUrl(url: string) {
  const cookies = (await Deno.readTextFile(option("cookies", ""))).split("\n").filter(Boolean);
  const tabs: [BenchTab, BenchTab][] = [];
  for (let k = 0; k + 1 < cookies.length && k < pairs * 2; k += 2) {
    tabs.push(
      await Promise.all([
        openBenchTab(url, { cookie: cookies[k] }),
        openBenchTab(url, { cookie: cookies[k + 1] }),
      ]),
    );
  }
  console.log(await run(url, tabs));
  await closeAll(tabs);
}

if (import.meta.main) {
  const url = option("url", "");
  const hub = option("hub", "both");
  if (url) {
    await benchUrl(url);
  } else {
    if (hub !== "redis") await benchMemory();
    if (hub !== "memory") await benchRedis();
  }
}

/**
 * The agent's side of the registration benchmark: its Prometheus counters and histogram, and the
 * latency of `GET /kamailio/auth` under concurrent keep-alive load.
 */

/** The middle value (the upper one of the two middles for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Total of `careflow_agent_auth_lookups_total` over all results. */
export async function authLookups(agentUrl: string): Promise<number> {
  const text = await (await fetch(`${agentUrl}/metrics`)).text();
  let total = 0;
  for (const m of text.matchAll(/^careflow_agent_auth_lookups_total\{[^}]*\} (\d+)/gm)) {
    total += Number(m[1]);
  }
  return total;
}

/** Cumulative buckets of the agent's auth latency histogram: [upper bound in ms, count]. */
async function authHistogram(agentUrl: string): Promise<[number, number][]> {
  const text = await (await fetch(`${agentUrl}/metrics`)).text();
  return [...text.matchAll(/^careflow_agent_auth_duration_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)]
    .map((m) => [m[1] === "+Inf" ? Infinity : Number(m[1]) * 1000, Number(m[2])]);
}

/** Smallest bucket bound holding `p` percent of the observations. */
export function bucketPercentile(buckets: number[][], p: number): string {
  const total = buckets.at(-1)?.[1] ?? 0;
  const hit = buckets.find(([, n]) => n >= (p / 100) * total);
  return hit ? String(hit[0]) : "?";
}

/** The `p`th percentile of values sorted ascending. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Agent lookup latency under concurrent keep-alive load, client-observed and agent-side. */
export async function lookupLatency(
  agentUrl: string,
  o: { ids: string[]; domain: string; lookups: number; concurrency: number; secret: string },
) {
  // As Kamailio asks: with its credential (the agent refuses anyone else).
  const headers = { authorization: `Basic ${btoa(`kamailio:${o.secret}`)}` };
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < o.lookups) {
      const id = o.ids[next++ % o.ids.length];
      const t0 = performance.now();
      const r = await fetch(`${agentUrl}/kamailio/auth?user=${id}&realm=${o.domain}`, { headers });
      await r.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (r.status !== 200) throw new Error(`auth lookup answered ${r.status}`);
    }
  };
  const histogramBefore = await authHistogram(agentUrl);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const rate = o.lookups / ((performance.now() - t0) / 1000);
  latencies.sort((a, b) => a - b);
  const histogramAfter = await authHistogram(agentUrl);
  const served = histogramAfter.map(([le, n], i) => [le, n - histogramBefore[i][1]]);
  return { rate, latencies, served };
}

/**
 * Registration benchmark: REGISTER/s with digest auth through the repository's kamailio.cfg, back
 * to back in one run, for
 *   (a) native: HA1 from Kamailio's own SQLite subscriber table (WITH_SQLITE_AUTH),
 *   (b) agent, cold: HA1 fetched from the agent over http_client (empty htable, one lookup each),
 *   (c) agent, warm: the same users again, HA1 from the htable cache,
 * then the agent's `GET /kamailio/auth` latency (p50/p99) under concurrent load.
 *
 * The three variants run in ROUNDS alternating rounds (Kamailio restarted for each native and cold
 * run, so the htable really is empty) and the median of each is reported: this machine is shared,
 * so single runs are noisy.
 *
 * Loopback only, bounded: USERS registrations per run (default 10000), each run capped at 60 s.
 * Pike is off (WITHOUT_PIKE) and the load comes from 127.0.0.1, which the config exempts anyway.
 *
 *   deno run -A bench/registration/main.ts [--users=10000] [--rounds=3] [--children=4]
 *     [--lookups=20000] [--concurrency=4] [--keep (keep logs and data)]
 */
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { kamailioRpc, startKamailio, startStack } from "../../tools/stack/stack.ts";
import { ha1, provision } from "../../pbx/testing/kit.ts";
import { treeCpuSeconds, udpReceiveBufferErrors } from "./proc.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    users: { type: "string", default: "10000" },
    rounds: { type: "string", default: "3" },
    children: { type: "string", default: "4" },
    lookups: { type: "string", default: "20000" },
    // As many lookups in flight as Kamailio has workers waiting on them.
    concurrency: { type: "string", default: "4" },
    keep: { type: "boolean", default: false },
  },
});
const USERS = Math.min(Number(values.users), 50_000);
const CHILDREN = Number(values.children);
const LOOKUPS = Math.min(Number(values.lookups), 200_000);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Math.min(Math.max(Number(values.rounds), 1), 5);

const DOMAIN = "bench.careflow.test";
const HOST = "127.0.0.1";
// Ports apart from the dev stack (5060...) and the pbx tests (15060-15099...).
const PORTS = {
  sip: 25060,
  ws: 28080,
  rpc: 25170,
  redis: 6410,
  agent: 7300,
  rtpengineNg: 22249,
  rtpMin: 32000,
  rtpMax: 32009,
};
const SIPP_PORT = 25064;
const SCENARIO = new URL("../../pbx/sipp/register-200.xml", import.meta.url).pathname;

const ids = Array.from({ length: USERS }, (_, i) => `care4w-${2_000_001 + i}`);
const password = (id: string) => `pw-${id}`;

/** Kamailio's count of accepted REGISTERs (registrar:accepted_regs). */
async function acceptedRegs(rpcUrl: string): Promise<number> {
  const result = await kamailioRpc(rpcUrl, "stats.get_statistics", ["accepted_regs"]) as string[];
  return Number(/= (\d+)/.exec(result[0] ?? "")?.[1] ?? NaN);
}

/**
 * Runs SIPp against Kamailio for every user once; returns REGISTERs per second. The clock stops
 * when Kamailio has accepted all of them (its own counter, polled every 10 ms), not when SIPp
 * exits: SIPp's shutdown takes up to half a second, which would swamp a 1-2 s run.
 */
async function registerRun(
  workDir: string,
  label: string,
  rpcUrl: string,
  cpuRoots: Record<string, number>,
): Promise<RunResult> {
  const base = await acceptedRegs(rpcUrl);
  const csv = `${workDir}/users-${label}.csv`;
  await Deno.writeTextFile(
    csv,
    [
      "SEQUENTIAL",
      ...ids.map((id) => `${id};[authentication username=${id} password=${password(id)}]`),
    ]
      .join("\n") + "\n",
  );
  const cpuBefore = treeCpuSeconds(cpuRoots);
  const dropsBefore = udpReceiveBufferErrors();
  const started = performance.now();
  const sipp = new Deno.Command("sipp", {
    args: [
      `${HOST}:${PORTS.sip}`,
      "-sf",
      SCENARIO,
      "-inf",
      csv,
      "-m",
      String(USERS),
      "-r",
      "100000",
      "-rp",
      "1000",
      "-l",
      "200",
      "-i",
      HOST,
      "-p",
      String(SIPP_PORT),
      "-key",
      "domain",
      DOMAIN,
      "-key",
      "expires",
      "3600",
      "-default_behaviors",
      "all,-bye",
      // SIPp's own sockets default to 64 KB; a dropped 200 OK would stall a call 500 ms.
      "-buff_size",
      "4194304",
      "-max_recv_loops",
      "10000",
      "-timeout",
      "60s",
      "-nostdin",
      "-trace_err",
      "-error_file",
      `${workDir}/sipp-${label}-errors.log`,
    ],
    cwd: workDir,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const sippRun = sipp.output();
  let seconds = NaN;
  let cpuAfter: Record<string, number> = {};
  let exited = false;
  sippRun.finally(() => exited = true);
  for (;;) {
    // Checked once more after SIPp exits: a fast run can finish between two polls.
    const wasExited = exited;
    if (await acceptedRegs(rpcUrl) - base >= USERS) {
      seconds = (performance.now() - started) / 1000;
      // SIPp is normally still alive here (it shuts down afterwards), so its time can be read too.
      cpuAfter = treeCpuSeconds({ ...cpuRoots, sipp: sipp.pid });
      if (wasExited) cpuAfter.sipp = NaN;
      break;
    }
    if (wasExited) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const out = await sippRun;
  const text = new TextDecoder().decode(out.stdout);
  const ok = Number(/Successful call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(text)?.[1] ?? 0);
  const failed = Number(/Failed call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(text)?.[1] ?? 0);
  if (ok < USERS || Number.isNaN(seconds)) {
    throw new Error(`${label}: only ${ok}/${USERS} registrations succeeded (${failed} failed)`);
  }
  const cpuMsPerThousand: Record<string, number> = {};
  for (const [name, after] of Object.entries(cpuAfter)) {
    cpuMsPerThousand[name] = ((after - (cpuBefore[name] ?? 0)) * 1000 * 1000) / USERS;
  }
  return {
    rate: USERS / seconds,
    cpuMsPerThousand,
    udpDrops: udpReceiveBufferErrors() - dropsBefore,
  };
}

/** One run: REGISTER/s, CPU milliseconds per 1000 REGISTERs by process, UDP drops on the host. */
interface RunResult {
  rate: number;
  cpuMsPerThousand: Record<string, number>;
  udpDrops: number;
}

const VARIANTS = ["native", "cold", "warm"] as const;
type Variant = typeof VARIANTS[number];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Total of `careflow_agent_auth_lookups_total` over all results. */
async function authLookups(agentUrl: string): Promise<number> {
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
function bucketPercentile(buckets: number[][], p: number): string {
  const total = buckets.at(-1)?.[1] ?? 0;
  const hit = buckets.find(([, n]) => n >= (p / 100) * total);
  return hit ? String(hit[0]) : "?";
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const workDir = await Deno.makeTempDir({ prefix: "careflow-bench-" });
  console.log(`registration benchmark: ${USERS} users, ${CHILDREN} kamailio workers, loopback`);
  if (values.keep) console.log(`logs in ${workDir}`);

  // Redis + agent only; Kamailio is started per variant below.
  const stack = await startStack({
    ports: PORTS,
    sipDomain: DOMAIN,
    workDir,
    skip: { rtpengine: true, kamailio: true },
  });
  const results: Record<string, number> = {};
  try {
    // Subscribers through the agent's signed API (Kamailio is not up yet: no RPC to wait for).
    for (let i = 0; i < ids.length; i += 100) {
      await Promise.all(
        ids.slice(i, i + 100).map(async (id) => {
          const status = await provision(stack.urls.agent, stack.internalApiSecret, "PUT", id, {
            ha1: ha1(id, DOMAIN, password(id)),
            active: true,
          });
          if (status !== 200) throw new Error(`provisioning ${id}: ${status}`);
        }),
      );
    }
    // The same subscribers in a SQLite table for the native baseline.
    const dbPath = `${workDir}/subscriber.sqlite`;
    const db = new DatabaseSync(dbPath);
    db.exec(await Deno.readTextFile("/usr/share/kamailio/db_sqlite/standard-create.sql"));
    db.exec(await Deno.readTextFile("/usr/share/kamailio/db_sqlite/auth_db-create.sql"));
    const insert = db.prepare("INSERT INTO subscriber (username, domain, ha1) VALUES (?, ?, ?)");
    db.exec("BEGIN");
    for (const id of ids) insert.run(id, DOMAIN, ha1(id, DOMAIN, password(id)));
    db.exec("COMMIT");
    db.close();

    const common = {
      host: HOST,
      ports: PORTS,
      sipDomain: DOMAIN,
      children: CHILDREN,
      workDir,
    };

    const runs: Record<Variant, RunResult[]> = { native: [], cold: [], warm: [] };
    const pidOf = (name: string) => stack.processes.find((p) => p.name === name)!.pid;
    const shared = { agent: pidOf("agent"), redis: pidOf("redis") };
    for (let round = 1; round <= ROUNDS; round++) {
      // (a) native
      const native = await startKamailio({
        ...common,
        name: `kamailio-native-${round}`,
        defines: ["WITHOUT_PIKE", "WITH_SQLITE_AUTH", `SQLITE_DB="sqlite://${dbPath}"`],
      });
      try {
        runs.native.push(
          await registerRun(workDir, `native-${round}`, native.rpcUrl, {
            kamailio: native.pid,
          }),
        );
      } finally {
        await native.stop();
      }

      // (b) and (c): the agent path, first with an empty htable, then with every HA1 cached.
      const agentPath = await startKamailio({
        ...common,
        name: `kamailio-agent-${round}`,
        defines: ["WITHOUT_PIKE", "AUTHCACHE_TTL=600"],
      });
      try {
        const before = await authLookups(stack.urls.agent);
        const roots = { kamailio: agentPath.pid, ...shared };
        runs.cold.push(await registerRun(workDir, `cold-${round}`, agentPath.rpcUrl, roots));
        const afterCold = await authLookups(stack.urls.agent);
        runs.warm.push(await registerRun(workDir, `warm-${round}`, agentPath.rpcUrl, roots));
        const afterWarm = await authLookups(stack.urls.agent);
        // Proof that cold asked the agent for every user and warm for nobody.
        if (afterCold - before < USERS || afterWarm !== afterCold) {
          throw new Error(
            `agent lookups: cold ${afterCold - before}, warm ${
              afterWarm - afterCold
            } (want ${USERS}, 0)`,
          );
        }
      } finally {
        await agentPath.stop();
      }
      const line = VARIANTS.map((v) => {
        const run = runs[v].at(-1)!;
        return `${v} ${run.rate.toFixed(0)}${run.udpDrops ? ` (${run.udpDrops} UDP drops)` : ""}`;
      });
      console.log(`round ${round}: ${line.join(", ")} REGISTER/s`);
    }
    for (const variant of VARIANTS) results[variant] = median(runs[variant].map((r) => r.rate));

    // Agent lookup latency under concurrent keep-alive load (client-observed).
    const latencies: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < LOOKUPS) {
        const id = ids[next++ % ids.length];
        const t0 = performance.now();
        const r = await fetch(`${stack.urls.agent}/kamailio/auth?user=${id}&realm=${DOMAIN}`);
        await r.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (r.status !== 200) throw new Error(`auth lookup answered ${r.status}`);
      }
    };
    const histogramBefore = await authHistogram(stack.urls.agent);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const lookupRate = LOOKUPS / ((performance.now() - t0) / 1000);
    latencies.sort((a, b) => a - b);
    const histogramAfter = await authHistogram(stack.urls.agent);
    const served = histogramAfter.map(([le, n], i) => [le, n - histogramBefore[i][1]]);

    const fmt = (n: number) => n.toFixed(0).padStart(6);
    console.log("");
    console.log(`medians of ${ROUNDS} rounds, ${USERS} REGISTERs each:`);
    console.log(`(a) native SQLite subscriber table  ${fmt(results.native)} REGISTER/s  1.00x`);
    console.log(
      `(b) agent, cold htable              ${fmt(results.cold)} REGISTER/s  ${
        (results.cold / results.native).toFixed(2)
      }x`,
    );
    console.log(
      `(c) agent, warm htable              ${fmt(results.warm)} REGISTER/s  ${
        (results.warm / results.native).toFixed(2)
      }x`,
    );
    console.log(
      `agent GET /kamailio/auth: ${LOOKUPS} lookups, ${CONCURRENCY} concurrent, ${
        lookupRate.toFixed(0)
      }/s, p50 ${percentile(latencies, 50).toFixed(3)} ms, p99 ${
        percentile(latencies, 99).toFixed(3)
      } ms (client-observed)`,
    );
    console.log(
      `agent-side (its own histogram): p50 <= ${bucketPercentile(served, 50)} ms, p99 <= ${
        bucketPercentile(served, 99)
      } ms`,
    );
    console.log("");
    console.log("CPU ms per 1000 REGISTERs (median of rounds), where the time goes:");
    for (const variant of VARIANTS) {
      const names = Object.keys(runs[variant][0].cpuMsPerThousand);
      const parts = names.map((name) =>
        `${name} ${
          median(runs[variant].map((r) => r.cpuMsPerThousand[name]).filter((n) => !isNaN(n)))
            .toFixed(0)
        }`
      );
      console.log(`  ${variant.padEnd(6)} ${parts.join(", ")}`);
    }
  } finally {
    await stack.stop();
    if (!values.keep) await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

await main();
